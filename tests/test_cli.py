"""`python -m experiments` and `python -m ui`: run a link, write CSV, JSON and (the UI) HTML, and fail cleanly
(exit 2, no traceback) on bad input."""

from __future__ import annotations

import csv
import html
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest

from experiments import run
from experiments.url import parse, to_query

ROOT = Path(__file__).resolve().parent.parent
LINK = ("https://descent.lab/?surface=rosenbrock&a=1&b=100&start=-1.5,2&steps=50&seed=0"
        "&opt=adam(lr=0.01,beta1=0.9)&opt=gd(lr=0.1)&opt=sgd(lr=0.001,noise=0.5,label=noisy)&step=12&lang=zh#plot")


def cli(*args: str, module: str = "experiments") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def ui_cli(*args: str) -> subprocess.CompletedProcess:
    return cli(*args, module="ui")


def test_valid_link_writes_csv_json_and_a_summary(tmp_path):
    csv_path, json_path = tmp_path / "out.csv", tmp_path / "out.json"
    done = cli(LINK, "--csv", str(csv_path), "--json", str(json_path))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""

    with csv_path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["run", "optimizer", "label", "step", "x", "y", "loss", "grad_norm", "lr"]
    body = rows[1:]
    per_run = {run: sum(1 for row in body if row[0] == run) for run in ("0", "1", "2")}
    # Adam and SGD live all 50 steps (51 points); GD with lr=0.1 leaves the box on step 3 (see test_runner).
    assert per_run == {"0": 51, "1": 3, "2": 51}
    assert len(body) == 105
    assert all(math.isfinite(float(value)) for row in body for value in row[4:])
    assert body[0][:4] == ["0", "adam", "adam lr=0.01", "0"] and body[0][4:6] == ["-1.5", "2.0"]
    assert {row[2] for row in body if row[0] == "2"} == {"noisy"}

    document = orjson.loads(json_path.read_bytes())
    assert document["surface"] == "rosenbrock"
    assert [r["optimizer"] for r in document["runs"]] == ["adam", "gd", "sgd"]
    assert [r["diverged_at"] for r in document["runs"]] == [None, 3, None]
    assert [len(r["x"]) for r in document["runs"]] == [51, 3, 51]
    assert document["query"].startswith("surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=50&seed=0&opt=")

    lines = done.stdout.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("adam lr=0.01") and "50 steps" in lines[0]
    assert lines[1].startswith("gd lr=0.1") and "diverged at step 3" in lines[1]
    assert lines[2].startswith("noisy")


def test_bare_query_without_outputs_prints_the_summary_only(tmp_path):
    done = subprocess.run([sys.executable, "-m", "experiments", "surface=saddle&steps=20&opt=gd(lr=0.1)"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 and "20 steps" in done.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("link", "expected"), [
    ("surface=rosenbrock&opt=foo(lr=1)", "unknown optimizer 'foo'"),
    ("https://descent.lab/?surface=rosenbrock&steps=abc&opt=gd(lr=0.01)", "steps='abc'"),
    ("surface=rosenbrock&opt=gd(lr=50)", "lr"),
])
def test_a_link_with_problems_exits_2_with_a_message(tmp_path, link, expected):
    csv_path = tmp_path / "out.csv"
    done = cli(link, "--csv", str(csv_path))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "error" in done.stderr and expected in done.stderr
    assert done.stdout == ""
    assert not csv_path.exists()  # nothing is run or written for a link with problems


@pytest.mark.parametrize("option", ["--csv", "--json", "--html"])
@pytest.mark.parametrize("target", ["missing-directory/out", "."])
def test_unwritable_output_exits_2_without_traceback(tmp_path, option, target):
    done = (ui_cli if option == "--html" else cli)("surface=saddle&steps=5&opt=gd(lr=0.1)", option,
                                                   str(tmp_path / target))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "cannot write" in done.stderr


def test_a_start_where_the_loss_overflows_is_refused_clearly(tmp_path):
    # exp(3·999) overflows at (0, 1000): no run could keep even its start, so the link is refused with a reason.
    done = cli("surface=crescent&start=0,1000&steps=10&opt=gd(lr=0.001)", "--json", str(tmp_path / "out.json"))
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert "overflows at start=0.0,1000.0" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_html_writes_a_self_contained_page_of_the_link(tmp_path):
    page = tmp_path / "lesson.html"
    done = ui_cli(LINK, "--html", str(page), "--title", "Adam & friends")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert len(done.stdout.strip().splitlines()) == 3  # the summary, as without --html
    text = page.read_text(encoding="utf-8")
    assert page.stat().st_size > 4_000_000  # plotly.js itself is most of it
    assert re.search(r"plotly\.js v\d+\.\d+\.\d+", text)  # the bundle, inlined
    assert "<script src" not in text
    query = to_query(parse(LINK)[0])
    assert query.startswith("surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=50&seed=0&opt=adam(lr=0.01)")
    assert html.escape(query) in text and query in text  # shown on the page, and in the figure's meta
    assert "<title>Adam &amp; friends</title>" in text
    assert '<html lang="zh-CN">' in text  # the link's lang=zh


def test_html_alone_without_a_title_uses_the_surface(tmp_path):
    done = ui_cli("surface=saddle&steps=20&opt=gd(lr=0.1)", "--html", str(tmp_path / "saddle.html"))
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "saddle.html").read_text(encoding="utf-8")
    assert "<title>Descent Lab: Saddle</title>" in text and '<html lang="en">' in text
    assert list(tmp_path.iterdir()) == [tmp_path / "saddle.html"]


def test_html_of_a_lesson_link_takes_the_lessons_title_in_the_links_language(tmp_path):
    from experiments.lessons import LESSONS, lesson_link

    lesson = LESSONS["zigzag"]
    done = ui_cli(lesson_link(lesson) + "&lang=zh-TW", "--html", str(tmp_path / "zigzag.html"))
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "zigzag.html").read_text(encoding="utf-8")
    assert f"<title>{html.escape(lesson.title['zh-TW'])}</title>" in text and '<html lang="zh-TW">' in text


def test_the_engine_command_line_points_to_the_ui_for_html(tmp_path):
    done = cli("surface=saddle&steps=5&opt=gd(lr=0.1)", "--html", str(tmp_path / "page.html"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "python -m ui" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_engine_never_imports_the_ui():
    # The engine runs in a notebook or a CLI without dash or plotly; its command line included.
    probe = ("import sys, runpy; sys.argv = ['x', 'surface=saddle&steps=5&opt=gd(lr=0.1)'];\n"
             "try:\n    runpy.run_module('experiments', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ui', 'dash', 'plotly')))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_sweep_link_writes_the_sweep_table(tmp_path):
    """One row per run per grid point, in the columns the issue lists; empty where undefined, never nan or inf;
    the numbers are the engine's own."""
    from experiments.sweep import sweep

    link = ("surface=ellipse&kappa=10&start=-4,0.5&steps=300&opt=gd(lr=0.01)&opt=momentum(lr=0.01)"
            "&sweep=lr:1e-3:1:16&measure=steps_to_tolerance")
    csv_path, json_path = tmp_path / "sweep.csv", tmp_path / "sweep.json"
    done = cli(link, "--csv", str(csv_path), "--json", str(json_path))
    assert done.returncode == 0, done.stderr
    text = csv_path.read_text()
    assert "nan" not in text.lower() and "inf" not in text.lower()
    with csv_path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["run", "optimizer", "label", "lr", "final_loss", "best_loss", "steps_to_tolerance",
                       "distance", "diverged_at"]
    assert len(rows) == 1 + 2 * 16
    table = sweep(parse(link)[0])
    for row, expected in zip(rows[1:], table.to_frame().itertuples(index=False), strict=True):
        assert float(row[3]) == expected.lr
        diverged = row[8] != ""
        assert diverged == (expected.diverged_at is not pd_na())
        assert (row[4] == "") == diverged and (row[7] == "") == diverged  # no final loss or distance then
        if row[6]:
            assert int(row[6]) == expected.steps_to_tolerance
    assert any(row[8] for row in rows[1:]) and any(row[6] for row in rows[1:])  # both kinds of gap occur
    document = orjson.loads(json_path.read_bytes())
    assert document["axes"][0]["name"] == "lr" and len(document["axes"][0]["values"]) == 16
    assert len(document["runs"][0]["final_loss"]) == 16
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 2 and "best steps_to_tolerance" in lines[0] and "of 16 diverged" in lines[0]


def pd_na():
    import pandas as pd

    return pd.NA


def test_internals_adds_the_gradient_the_step_and_every_state_entry_with_torchs_names(tmp_path):
    link = ("surface=rosenbrock&steps=60&opt=adam(lr=0.05,beta1=0.8)&opt=momentum(lr=0.0005)"
            "&opt=lbfgs(lr=0.5)&opt=gd(lr=0.001,noise=0.3)")
    out = tmp_path / "internals.csv"
    completed = cli(link, "--csv", str(out), "--internals")
    assert completed.returncode == 0, completed.stderr
    table = pd.read_csv(out)
    result = run(parse(link)[0])
    for column in ("gx", "gy", "dx", "dy", "exp_avg_x", "exp_avg_sq_y", "momentum_buffer_x", "d_y"):
        assert column in table.columns
    for index, rr in enumerate(result.runs):
        rows = table[table["run"] == index]
        used = result.gradients_used(index)
        assert np.array_equal(rows[["gx", "gy"]].to_numpy()[:-1], used)
        assert rows[["gx", "gy", "dx", "dy"]].iloc[-1].isna().all()  # no update leaves the last point
        assert np.array_equal(rows[["dx", "dy"]].to_numpy()[:-1], np.diff(rr.points, axis=0))
        for name in result.internal_names():
            shown = rows[[f"{name}_x", f"{name}_y"]].to_numpy()
            if name in rr.internals:
                assert np.array_equal(shown, rr.internals[name]), (rr.run.name, name)
            else:
                assert np.isnan(shown).all(), (rr.run.name, name)  # empty where the rule has no such state
    # Adam's exp_avg is m from the published recursion over the gradients in the table: m ← β₁m + (1 − β₁)g.
    adam = table[table["run"] == 0]
    g = adam[["gx", "gy"]].to_numpy()
    m = np.zeros(2)
    for k in range(1, len(adam)):
        m = 0.8 * m + (1 - 0.8) * g[k - 1]
        assert np.allclose(adam[["exp_avg_x", "exp_avg_y"]].to_numpy()[k], m, rtol=1e-12, atol=0)
    # The noisy run's gradient is the noisy one; its true gradient differs.
    noisy = table[table["run"] == 3]
    truth = result.surface.gradient(result.runs[3].points[:-1])
    assert not np.allclose(noisy[["gx", "gy"]].to_numpy()[:-1], truth)


def test_without_internals_the_table_keeps_its_columns(tmp_path):
    out = tmp_path / "plain.csv"
    assert cli("surface=ellipse&steps=10&opt=adam", "--csv", str(out)).returncode == 0
    assert list(pd.read_csv(out).columns) == ["run", "optimizer", "label", "step", "x", "y", "loss", "grad_norm",
                                              "lr"]
