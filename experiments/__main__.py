"""Command line of the engine: run a shared link and write its tidy table or its arrays.

    python -m experiments "<share link or query string>" [--csv out.csv] [--json out.json]

A link with a sweep (sweep=lr:1e-4:1:64) writes the sweep's table instead: one row per run per grid point, with
every measure (empty where undefined).

A link with problems prints them on stderr and exits with code 2 (the web page would repair and warn instead).
The interactive HTML page of a link is the UI's to write: python -m ui "<link>" --html out.html.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from experiments.export import result_to_dict, summary_lines, sweep_lines, sweep_to_dict
from experiments.runner import run
from experiments.sweep import sweep
from experiments.url import parse


def parser_for(prog: str, description: str) -> argparse.ArgumentParser:
    """The options every command line of the project takes: a link, and the engine's outputs."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("link", help="a Descent Lab link or its query string, e.g. 'surface=saddle&opt=gd(lr=0.1)'")
    parser.add_argument("--csv", metavar="PATH", help="write the tidy table (run, optimizer, step, x, y, loss, …)")
    parser.add_argument("--internals", action="store_true",
                        help="with --csv: add the gradient used (gx, gy), the step (dx, dy) and every state entry "
                             "(<name>_x, <name>_y, torch's names) to each row")
    parser.add_argument("--json", metavar="PATH", help="write every run's arrays as JSON")
    return parser


def execute(args: argparse.Namespace, write_more=None) -> int:
    """Run the link and write what was asked for; `write_more(args, result)` adds a caller's own outputs."""
    experiment, warnings = parse(args.link)
    if warnings:
        print("error: the link has problems:", file=sys.stderr)
        for warning in warnings:
            print(f"  - {warning}", file=sys.stderr)
        return 2
    if experiment.sweep:
        return _sweep(args, experiment)
    result = run(experiment)
    try:
        if args.csv:
            result.to_frame(internals=getattr(args, "internals", False)).to_csv(args.csv, index=False)
        if args.json:
            with open(args.json, "wb") as handle:
                handle.write(orjson.dumps(result_to_dict(result)))
        if write_more is not None:
            write_more(args, result)
    except OSError as error:
        print(f"error: cannot write output: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(result)))
    return 0


def _sweep(args: argparse.Namespace, experiment) -> int:
    table = sweep(experiment)
    frame = table.to_frame()
    try:
        if args.csv:
            frame.to_csv(args.csv, index=False)
        if args.json:
            with open(args.json, "wb") as handle:
                handle.write(orjson.dumps(sweep_to_dict(table)))
    except OSError as error:
        print(f"error: cannot write output: {error}", file=sys.stderr)
        return 2
    print("\n".join(sweep_lines(table)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = parser_for("python -m experiments", __doc__.split("\n\n")[0])
    parser.add_argument("--html", metavar="PATH", help=argparse.SUPPRESS)  # the UI's now: say where it went
    args = parser.parse_args(argv)
    if args.html:
        print(f'error: the HTML page is written by the UI: python -m ui "<link>" --html {args.html}', file=sys.stderr)
        return 2
    return execute(args)


if __name__ == "__main__":
    sys.exit(main())
