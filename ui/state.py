"""From what the controls show to the next Experiment. Pure functions, no dash.

Every edit goes the way a link does: the control values are written as a query and read back by the link
parser, so the page and a shared link validate, clamp and warn in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from declarations import FLOAT, INT, Param, to_number
from declarations.messages import message
from experiments.limits import MAX_RUNS, MAX_SWEEP_COUNT, START_LIMIT
from experiments.measures import MEASURE, MEASURES, TOLERANCE
from experiments.model import BATCH, NOISE, SEED, STEPS, Experiment, Run, clean_label
from experiments.sweep import default_axis, sweep, tune, tuning
from experiments.url import parse
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES

RUN_KEYS = ("optimizer", "schedule", "noise", "label")  # run fields that are not hyper- or schedule parameters
START_X = Param("start x", 0.0, -START_LIMIT, START_LIMIT, help="where every run starts")
START_Y = Param("start y", 0.0, -START_LIMIT, START_LIMIT, help="where every run starts")
# The sweep panel's fields, for their messages (the link parser keeps the values in range).
_SWEEP_LOW = Param("from", 0.0, -1e300, 1e300)
_SWEEP_HIGH = Param("to", 0.0, -1e300, 1e300)
_SWEEP_COUNT = Param("values", 2, 2, MAX_SWEEP_COUNT[0], kind=INT)


@dataclass
class Controls:
    """The values the controls show, as the fields hold them (typed numbers arrive as text). None means the
    current value is kept."""

    surface: str
    surface_values: dict[str, object] = field(default_factory=dict)
    steps: object = None
    seed: object = None
    start: tuple[object, object] = (None, None)
    runs: list[dict[str, object]] = field(default_factory=list)
    # The sweep's axes as the panel shows them ({"name", "low", "high", "count"}; name "" is off), the measure
    # and the tolerance; None keeps the experiment's.
    sweep: list[dict[str, object]] | None = None
    measure: object = None
    tolerance: object = None


def controls_of(experiment: Experiment) -> Controls:
    return Controls(
        surface=experiment.surface, surface_values=dict(experiment.surface_params), steps=experiment.steps,
        seed=experiment.seed, start=experiment.start,
        runs=[{"optimizer": r.optimizer, "schedule": r.schedule, "noise": r.noise, "label": r.label, **r.hyper,
               **r.schedule_params} for r in experiment.runs],
        sweep=[{"name": a.name, "low": a.low, "high": a.high, "count": a.count} for a in experiment.sweep],
        measure=experiment.measure, tolerance=experiment.tolerance,
    )


def edit(current: Experiment, controls: Controls, action: tuple = (), sweep_of=sweep) -> tuple[Experiment, list[str]]:
    """The experiment after an edit, and what had to be changed to make it valid (or, for tuning, what was done).

    `action` is one of (), ("surface",), ("add",), ("remove", i), ("duplicate", i), ("start", x, y),
    ("pick", i, grid index) (run i takes the swept values at that point of the sweep), ("tune", i) and
    ("tune-all",) (the best lr by the experiment's measure; the sweep behind it is shown if there was none).
    `sweep_of` steps a sweep (the web app passes its cached one).
    """
    messages: list[str] = []
    runs = [_fill(values, current.runs[i] if i < len(current.runs) else None, messages)
            for i, values in enumerate(controls.runs)]
    kind = action[0] if action else ""
    surface = controls.surface if _known(controls.surface, SURFACES) else current.surface
    if kind == "surface" and surface != current.surface:
        surface_values: dict[str, object] = {}
        start: tuple[object, object] = SURFACES[surface](seed=current.seed).start()
    else:
        surface = current.surface
        declared = {p.name: p for p in SURFACES[surface].params}
        surface_values = {}
        for name, value in controls.surface_values.items():
            if name in declared and declared[name].kind in (FLOAT, INT):
                value = typed(declared[name], value, current.surface_params.get(name), messages)
            if value is not None:
                surface_values[name] = value
        start = tuple(c if v is None else v for v, c in zip(
            (typed(START_X, controls.start[0], current.start[0], messages),
             typed(START_Y, controls.start[1], current.start[1], messages)), current.start, strict=True))
    steps = typed(STEPS, controls.steps, current.steps, messages)
    seed = typed(SEED, controls.seed, current.seed, messages)
    if kind == "start":
        start = (action[1], action[2])
    elif kind == "add":
        if len(runs) >= MAX_RUNS:
            messages.append(message("at-most-runs", limit=MAX_RUNS))
        else:
            runs.append(_new_run(runs))
    elif kind == "remove" and 0 <= action[1] < len(runs):
        if len(runs) == 1:
            messages.append(message("at-least-one-run"))
        else:
            del runs[action[1]]
    elif kind == "duplicate" and 0 <= action[1] < len(runs):
        if len(runs) >= MAX_RUNS:
            messages.append(message("at-most-runs", limit=MAX_RUNS))
        else:
            runs.insert(action[1] + 1, dict(runs[action[1]]))
    elif kind == "pick" and 0 <= action[1] < len(runs):
        picked = _picked(current, action[2])
        if picked:
            runs[action[1]].update(picked)

    pairs = [("surface", surface), *((k, _text(v)) for k, v in surface_values.items()),
             ("start", f"{_text(start[0])},{_text(start[1])}"),
             ("steps", _text(steps if steps is not None else current.steps)),
             ("seed", _text(seed if seed is not None else current.seed))]

    pairs += [("opt", _run_text(values)) for values in runs]
    pairs += _sweep_pairs(current, controls, runs, messages)
    query = "&".join(f"{key}={quote(value, safe='(),=:')}" for key, value in pairs)
    experiment, warnings = parse(query)
    messages += warnings
    if kind in ("tune", "tune-all") and (kind == "tune-all" or 0 <= action[1] < len(experiment.runs)):
        experiment, notes = _tuned(experiment, None if kind == "tune-all" else [action[1]], sweep_of)
        messages += notes
    return experiment, messages


def _picked(current: Experiment, index) -> dict[str, float]:
    """The swept settings at a grid index of the current sweep (untrusted: from the page), or {}."""
    if not isinstance(index, list | tuple) or len(index) != len(current.sweep) or not current.sweep:
        return {}
    picked = {}
    for axis, i in zip(current.sweep, index, strict=True):
        if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < axis.count:
            return {}
        picked[axis.name] = float(axis.values()[i])
    return picked


def _sweep_pairs(current: Experiment, controls: Controls, runs: list[dict], messages: list[str]) -> list:
    """The sweep, measure and tolerance keys of the next link, from the sweep panel (or kept)."""
    pairs = []
    if controls.sweep is None:
        axes = [{"name": a.name, "low": a.low, "high": a.high, "count": a.count} for a in current.sweep]
    else:
        axes = [dict(a) for a in controls.sweep if isinstance(a, dict) and a.get("name")]
    before = {a.name: a for a in current.sweep}
    for axis in axes:
        name = str(axis["name"])
        old = before.get(name)
        if old is None:  # newly chosen: its usual range
            try:
                fresh = default_axis(name, [Run.trusted(v["optimizer"], {}, "constant", {}, 0.0, "")
                                            for v in runs], len(axes))
            except KeyError:
                fresh = None  # not a setting of every run: the parser says so
            low, high, count = (fresh.low, fresh.high, fresh.count) if fresh else (1.0, 2.0, 2)
        else:
            low = typed(_SWEEP_LOW, axis.get("low"), old.low, messages)
            high = typed(_SWEEP_HIGH, axis.get("high"), old.high, messages)
            count = typed(_SWEEP_COUNT, axis.get("count"), old.count, messages)
            low, high, count = (old.low if low is None else low, old.high if high is None else high,
                                old.count if count is None else count)
        pairs.append(("sweep", f"{name}:{_text(low)}:{_text(high)}:{_text(count)}"))
    measure = controls.measure if isinstance(controls.measure, str) and controls.measure else current.measure
    if measure != MEASURE.default:
        pairs.append(("measure", measure))
    tolerance = typed(TOLERANCE, controls.tolerance, current.tolerance, messages)
    tolerance = current.tolerance if tolerance is None else tolerance
    if _text(tolerance) != _text(TOLERANCE.default):
        pairs.append(("tolerance", _text(tolerance)))
    return pairs


def _tuned(experiment: Experiment, indices, sweep_of) -> tuple[Experiment, list[str]]:
    """Tune the runs' lr, and say what was done for each."""
    probe = tuning(experiment, indices)
    tuned, found = tune(experiment, indices, table=sweep_of(probe))
    notes = []
    for item in found:
        spec = experiment.runs[item.index]
        common = {"name": spec.name, "count": item.axis.count, "low": f"{item.axis.low:g}",
                  "high": f"{item.axis.high:g}", "steps": f"{item.steps:,}", "measure": MEASURES[item.measure].title}
        if item.lr is None:
            notes.append(message("tune-nothing", lr=f"{spec.lr:g}", **common))
        else:
            value = f"{item.value:,.0f}" if item.measure == "steps_to_tolerance" else f"{item.value:.3g}"
            notes.append(message("tuned", value=value, lr=f"{item.lr:.4g}", **common))
    if not tuned.sweep:
        tuned = tuned.replace(sweep=probe.sweep)  # show the sweep the choice was made on
    return tuned, notes


def _fill(values: dict[str, object], current: Run | None, messages: list[str]) -> dict[str, object]:
    """A run's control values, restricted to what its (possibly new) optimizer and schedule take; empty fields
    keep the current value when the optimizer is unchanged."""
    optimizer = values.get("optimizer") if _known(values.get("optimizer"), OPTIMIZERS) else None
    optimizer = optimizer or (current.optimizer if current else "gd")
    schedule = values.get("schedule") if _known(values.get("schedule"), SCHEDULES) else "constant"
    same = current is not None and current.optimizer == optimizer
    same_schedule = current is not None and current.schedule == schedule
    kept = {"optimizer": optimizer, "schedule": schedule}
    params = [*OPTIMIZERS[optimizer].params, *SCHEDULES[schedule].params, NOISE, BATCH]
    for param in params:
        before = None  # what the field held before this edit, where the run had this setting
        if current is not None:
            own = param in OPTIMIZERS[optimizer].params
            if own and (same or param.name in current.hyper):
                before = current.hyper.get(param.name)
            elif param in SCHEDULES[schedule].params and same_schedule:
                before = current.schedule_params.get(param.name)
            elif param is NOISE:
                before = current.noise
            elif param is BATCH:
                before = current.batch
        value = values.get(param.name)
        if param.kind in (FLOAT, INT):
            value = typed(param, value, before, messages)
        value = before if value is None else value
        if value is not None:
            kept[param.name] = value
    label = values.get("label")
    if label is None and current is not None:
        label = current.label
    if label:
        cleaned = clean_label(label)
        if cleaned != " ".join(str(label).split()):
            messages.append(message("label-shortened", given=repr(str(label)[:40]), used=repr(cleaned)))
        kept["label"] = cleaned
    return kept


def typed(param: Param, raw: object, before: object, messages: list[str]) -> object:
    """What a typed number field holds: the text as typed for the link parser to read (and clamp, or round a
    fraction where a count is wanted, saying so), or None to keep the value it had `before`, with a message,
    when it was left empty or holds no number."""
    if not isinstance(raw, str):
        return raw
    text = raw.strip()
    shown = param.format(before) if before is not None else "its value"
    if not text:
        messages.append(message("field-empty", name=param.name, used=shown))
        return None
    if to_number(text) is None:
        messages.append(message("not-number", name=param.name, given=_short(text), used=shown))
        return None
    return text


def _short(text: str) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return repr(text if len(text) <= 24 else text[:24] + "…")


def _run_text(values: dict[str, object]) -> str:
    optimizer, schedule = values["optimizer"], values["schedule"]
    items = [f"{name}={_text(value)}" for name, value in values.items()
             if name not in ("optimizer", "schedule", "label")
             and not (name == "batch" and _text(value) in ("0", ""))]  # the full batch, the only one without data
    if schedule != "constant":
        items.append(f"schedule={schedule}")
    if values.get("label"):
        items.append(f"label={values['label']}")
    return f"{optimizer}({','.join(items)})"


def _known(name: object, registry: dict) -> bool:
    return isinstance(name, str) and name in registry


def _new_run(runs: list[dict[str, object]]) -> dict[str, object]:
    used = {values["optimizer"] for values in runs}
    # The next optimizer of the catalogue not yet on the page.
    optimizer = next((name for name in OPTIMIZERS if name not in used), "adam")
    return {"optimizer": optimizer, "schedule": "constant", "lr": OPTIMIZERS[optimizer].params[0].default}


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def structure(experiment: Experiment) -> list:
    """What decides which controls exist: when it changes, the control panels are rebuilt."""
    return [experiment.surface, [[r.optimizer, r.schedule] for r in experiment.runs]]


__all__ = ["Controls", "controls_of", "edit", "structure"]
