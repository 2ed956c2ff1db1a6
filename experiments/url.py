"""The shareable link: parse(query) -> (Experiment, warnings) and to_query(experiment) -> canonical query.

    ?surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=500&seed=0
    &opt=adam(lr=0.01,beta1=0.9)&opt=momentum(lr=0.001,schedule=cosine)&opt=sgd(lr=0.001,noise=0.5)
    &sweep=lr:0.0001:1.0:64&measure=best_loss&tolerance=1e-06      (a sweep: optional, one or two axes)

Links are untrusted. `parse` never raises: anything it cannot use becomes a safe value and a warning that says
what it did instead. `to_query` is canonical: floats via repr, parameters in declaration order, a run's
hyperparameters other than lr only when they differ from the default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from urllib.parse import parse_qsl, quote

from declarations import INT, Param, to_number
from declarations.messages import Message, message
from experiments.limits import (
    MAX_LABEL_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_RUNS,
    MAX_SWEEP_AXES,
    MAX_SWEEP_COUNT,
    MAX_SWEEP_WORK,
    MAX_SWEEP_WORK_NUMPY_ONLY,
    MAX_WARNINGS,
    MAX_WORK,
    MAX_WORK_NUMPY_ONLY,
    START_LIMIT,
)
from experiments.measures import MEASURE, TOLERANCE
from experiments.model import (
    BATCH,
    LABEL_FORBIDDEN,
    NOISE,
    SEED,
    STEPS,
    Axis,
    Experiment,
    Run,
    clean_label,
    finite_at,
    sweepable,
)
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES

DEFAULT_SURFACE = "rosenbrock"
DEFAULT_RUNS = (("gd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3}), ("adam", {"lr": 0.05}))
PLAYBACK_STEP = Param("step", 0, 0, STEPS.high, kind=INT, help="playback position")
PLOTS = {"", "2d", "3d"}  # the page key plot= ("2d", the default, is not written)
# What the contour draws at the current step while the step inspector is open: nothing, the selected run's
# arrows (the default, not written), every run's, or the first-order Taylor model of the selected run's step.
ARROWS = {"", "off", "run", "all", "taylor"}
VIEW_KEYS = {"step", "view", "lang", "present", "hide", "lesson", "plot",
             "arrows"}  # read by the app, not part of the Experiment
VIEW_LIMIT = 10 * START_LIMIT  # a zoomed view box stays within this
ZOOM_SMALLEST = 1e-9  # a zoom box's span, against the surface's own box
ZOOM_ASPECT = 1e3  # how far a zoom box may be out of the surface box's shape
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_RUN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([^()]*)\))?\s*$")
_SAFE = "(),=:;*!~'-._"


@dataclass(frozen=True)
class View:
    """Link state that belongs to the page rather than the experiment."""

    step: int | None = None
    zoom: tuple[float, float, float, float] | None = None  # the contour's x and y ranges, when zoomed
    lang: str = ""
    present: bool = False
    hide: tuple[str, ...] = ()
    lesson: str = ""
    plot: str = ""  # "3d": the surface in 3-D in the contour's place
    arrows: str = ""  # one of ARROWS; "" is "run"


class _Warnings(list):
    def add(self, problem: Message) -> None:
        if len(self) < MAX_WARNINGS:
            self.append(problem)
        elif len(self) == MAX_WARNINGS:
            self.append(message("more-problems"))


def query_of(link: str) -> str:
    """The query part of a full link, a '?…' string or a bare query. Plain string work: a malformed host in a
    pasted link must not stop us reading its query."""
    text = str(link).strip().split("#", 1)[0]
    mark, equals = text.find("?"), text.find("=")
    if mark >= 0 and (equals < 0 or mark < equals):  # a '?' after the first '=' belongs to a value
        return text[mark + 1:]
    if _SCHEME.match(text):
        return ""  # a link with no query: the default experiment
    return text


def _pairs(query: str, warnings: _Warnings) -> list[tuple[str, str]]:
    query = query_of(query)
    if len(query) > MAX_QUERY_LENGTH:
        warnings.add(message("link-too-long", length=len(query), kept=MAX_QUERY_LENGTH))
        query = query[:MAX_QUERY_LENGTH]
    try:
        return parse_qsl(query, keep_blank_values=True, max_num_fields=None)
    except ValueError:
        warnings.add(message("link-unreadable"))
        return []


def parse(query: str) -> tuple[Experiment, list[str]]:
    """Read a link into an Experiment. Never raises; problems come back as human-readable warnings."""
    warnings = _Warnings()
    pairs = _pairs(query, warnings)
    first: dict[str, str] = {}
    opt_texts: list[str] = []
    sweep_texts: list[str] = []
    for key, value in pairs:
        if key == "opt":
            opt_texts.append(value)
        elif key == "sweep":
            sweep_texts.append(value)
        elif key in first:
            warnings.add(message("key-repeated", key=_show(key)))
        else:
            first[key] = value

    surface_id = first.pop("surface", DEFAULT_SURFACE).strip().lower()
    if surface_id not in SURFACES:
        warnings.add(message("unknown-surface", given=_show(surface_id), used=DEFAULT_SURFACE))
        surface_id = DEFAULT_SURFACE
    surface_cls = SURFACES[surface_id]
    surface_params = {p.name: _read(p, first.pop(p.name), warnings) if p.name in first else p.default
                      for p in surface_cls.params}
    seed = _read(SEED, first.pop("seed"), warnings) if "seed" in first else SEED.default
    surface_params, repairs = surface_cls.repair(surface_params, seed)
    for problem in repairs:
        warnings.add(problem)
    surface = surface_cls(seed=seed, **surface_params)

    start = surface.start()
    if "start" in first:
        start = _read_start(first.pop("start"), start, warnings)
        if not finite_at(surface, start):
            warnings.add(message("start-overflows", surface=surface_id, start=f"{start[0]!r},{start[1]!r}"))
            start = surface.start()
    steps = _read(STEPS, first.pop("steps"), warnings) if "steps" in first else STEPS.default
    measure = _read(MEASURE, first.pop("measure"), warnings) if "measure" in first else MEASURE.default
    tolerance = _read(TOLERANCE, first.pop("tolerance"), warnings) if "tolerance" in first else TOLERANCE.default

    for key in first:
        if key not in VIEW_KEYS:
            warnings.add(message("unknown-key", key=_show(key)))

    if len(opt_texts) > MAX_RUNS:
        warnings.add(message("too-many-runs", count=len(opt_texts), kept=MAX_RUNS))
        opt_texts = opt_texts[:MAX_RUNS]
    runs = [r for r in (_read_run(text, warnings, surface) for text in opt_texts) if r is not None]
    if not runs:
        if opt_texts:
            warnings.add(message("no-usable-run"))
        runs = [Run(name, **settings) for name, settings in DEFAULT_RUNS]
    per_step = work_per_step(runs)
    most, most_swept = work_limits(surface_cls)
    if steps * per_step > most:
        fewer = max(1, most // per_step)
        warnings.add(message("too-much-work", steps=steps, limit=f"{most:,}", used=fewer))
        steps = fewer
    axes = _read_sweep(sweep_texts, runs, steps, warnings, most_swept)
    return Experiment.trusted(surface_id, surface.settings, start, steps, seed, runs, axes, measure,
                              tolerance), list(warnings)


def work_per_step(runs: list[Run]) -> int:
    """The work of one step of all runs, in plain optimizer steps (the compiled engine steps runs one by one)."""
    return sum(OPTIMIZERS[r.optimizer].cost(r.hyper) for r in runs)


def work_limits(surface_cls) -> tuple[int, int]:
    """The run-steps a link may ask for, and a sweep: fewer on a surface that only NumPy can step."""
    if surface_cls.compilable:
        return MAX_WORK, MAX_SWEEP_WORK
    return MAX_WORK_NUMPY_ONLY, MAX_SWEEP_WORK_NUMPY_ONLY


def _read_sweep(texts: list[str], runs: list[Run], steps: int, warnings: _Warnings,
                work: int = MAX_SWEEP_WORK) -> tuple[Axis, ...]:
    """`sweep=name:low:high:count`, once or twice. An axis must name a float setting every run has; its range is
    kept within every run's declaration and its count to 2–256 (one axis) or 2–64 each (two); a grid that is too
    much work gets fewer values."""
    if len(texts) > MAX_SWEEP_AXES:
        for text in texts[MAX_SWEEP_AXES:]:
            warnings.add(message("too-many-axes", limit=MAX_SWEEP_AXES, given=_show(text)))
        texts = texts[:MAX_SWEEP_AXES]
    common = [name for name in sweepable(runs[0]) if all(name in sweepable(r) for r in runs)]
    read = []
    for text in texts:
        parts = [part.strip() for part in text.split(":")] if len(text) <= 200 else []
        numbers = [to_number(part) for part in parts[1:]]
        if len(parts) != 4 or None in numbers:
            warnings.add(message("bad-sweep", given=_show(text)))
            continue
        name, (low, high, count) = parts[0], numbers
        if name not in common:
            lacking = sorted({r.optimizer for r in runs if name not in sweepable(r)}) or ["no run"]
            warnings.add(message("sweep-not-common", name=_show(name), lacking=", ".join(lacking),
                                 choices=", ".join(common)))
            continue
        if any(axis[0] == name for axis in read):
            warnings.add(message("sweep-repeated", name=name))
            continue
        read.append((name, low, high, count))
    most = MAX_SWEEP_COUNT[len(read) - 1] if read else 0
    axes = []
    for name, low, high, count in read:
        params = [sweepable(r)[name] for r in runs]
        floor, ceiling = max(p.low for p in params), min(p.high for p in params)
        if low == high:
            warnings.add(message("sweep-empty", name=name, given=f"{low:g}"))
            continue
        if low > high:
            warnings.add(message("sweep-swapped", name=name, given=f"{low:g} to {high:g}", used=f"{high:g}:{low:g}"))
            low, high = high, low
        kept = (min(max(low, floor), ceiling), max(min(high, ceiling), floor))
        if kept != (low, high):
            warnings.add(message("sweep-bounds", name=name, low=f"{floor:g}", high=f"{ceiling:g}",
                                 used=f"{kept[0]:g}:{kept[1]:g}"))
            low, high = kept
            if low == high:
                continue
        whole = max(2, min(most, round(count)))
        if whole != count:
            warnings.add(message("sweep-count", name=name, given=f"{count:g}", most=most, used=whole))
        axes.append(Axis(name, float(low), float(high), int(whole), params[0].log))
    return _within_sweep_work(tuple(axes), runs, steps, warnings, work)


def _within_sweep_work(axes: tuple[Axis, ...], runs: list[Run], steps: int, warnings: _Warnings,
                       most: int = MAX_SWEEP_WORK) -> tuple[Axis, ...]:
    """Fewer values per axis (the same factor on each) when the grid is too much work."""
    if not axes:
        return axes
    if any(r.batch for r in runs):  # a mini-batch run steps each grid point on its own, not all at once
        most //= 16
    per_point = steps * work_per_step(runs)
    points = math.prod(axis.count for axis in axes)
    if points * per_point <= most:
        return axes
    scale = (most / (points * per_point)) ** (1 / len(axes))
    fewer = tuple(replace(axis, count=max(2, math.floor(axis.count * scale))) for axis in axes)
    while math.prod(a.count for a in fewer) * per_point > most and any(a.count > 2 for a in fewer):
        fewer = tuple(replace(a, count=max(2, a.count - 1)) for a in fewer)
    warnings.add(message("sweep-too-much-work", points=f"{points:,}", steps=steps, limit=f"{most:,}",
                         used=" × ".join(f"{a.count} values of {a.name}" for a in fewer)))
    return fewer


def parse_view(query: str) -> tuple[View, list[str]]:
    """Read the page-level keys (playback step, language, presentation mode, hidden controls)."""
    warnings = _Warnings()
    values = {}
    for key, value in _pairs(query, _Warnings()):  # the link's own problems are parse()'s to report
        if key in VIEW_KEYS and key not in values:
            values[key] = value
    step = None
    if "step" in values:
        if to_number(values["step"]) is None:
            warnings.add(message("not-a-step", given=_show(values["step"])))
        else:
            step = _read(PLAYBACK_STEP, values["step"], warnings)
    zoom = _read_zoom(values["view"], warnings) if "view" in values else None
    lang = values.get("lang", "").strip()[:16]
    present = values.get("present", "").strip().lower() in {"1", "true", "yes", "on"}
    hide = tuple(sorted({h.strip()[:32] for h in values.get("hide", "").split(",") if h.strip()}))[:32]
    lesson = re.sub(r"[^a-z0-9_-]", "", values.get("lesson", "").lower())[:40]
    plot = values.get("plot", "").strip().lower()
    if plot not in PLOTS:
        warnings.add(message("unknown-plot", given=_show(plot), known=", ".join(sorted(PLOTS - {""}))))
        plot = ""
    arrows = values.get("arrows", "").strip().lower()
    if arrows not in ARROWS:
        warnings.add(message("unknown-arrows", given=_show(arrows), known=", ".join(sorted(ARROWS - {""}))))
        arrows = ""
    arrows = "" if arrows == "run" else arrows
    return View(step=step, zoom=zoom, lang=lang, present=present, hide=hide, lesson=lesson, plot=plot,
                arrows=arrows), list(warnings)


def fit_zoom(zoom: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> Message | None:
    """Why a zoom box cannot show the surface whose view box is `box`, or None when it can: it must overlap the
    box, and neither span may be vanishingly small against the box or squashed far out of shape (plotly cannot
    scale such an axis, and nobody could see anything in it)."""
    x0, x1, y0, y1 = zoom
    bx0, bx1, by0, by1 = box
    width, height = x1 - x0, y1 - y0
    overlaps = x0 < bx1 and x1 > bx0 and y0 < by1 and y1 > by0
    tiny = width < ZOOM_SMALLEST * (bx1 - bx0) or height < ZOOM_SMALLEST * (by1 - by0)
    squashed = not 1 / ZOOM_ASPECT <= (width / height) / ((bx1 - bx0) / (by1 - by0)) <= ZOOM_ASPECT
    if overlaps and not tiny and not squashed:
        return None
    return message("zoom-unusable", given=",".join(f"{v:g}" for v in zoom))


def usable_zoom(values, box: tuple[float, float, float, float]) -> tuple[float, float, float, float] | None:
    """Four numbers from the page (untrusted) as a zoom box over the view box `box`, or None if they are not one
    that can be shown (see fit_zoom)."""
    if not isinstance(values, list | tuple) or len(values) != 4:
        return None
    numbers = [to_number(v) for v in values]
    if None in numbers or not (numbers[0] < numbers[1] and numbers[2] < numbers[3]) or \
            not all(abs(n) <= VIEW_LIMIT for n in numbers):
        return None
    zoom = tuple(float(n) for n in numbers)
    return None if fit_zoom(zoom, box) else zoom  # type: ignore[return-value]


def _read_zoom(raw: str, warnings: _Warnings) -> tuple[float, float, float, float] | None:
    numbers = [to_number(part) if len(part) <= 40 else None for part in raw.split(",")]
    if (len(numbers) == 4 and None not in numbers and numbers[0] < numbers[1] and numbers[2] < numbers[3]
            and all(abs(n) <= VIEW_LIMIT for n in numbers)):
        return tuple(float(n) for n in numbers)  # type: ignore[return-value]
    warnings.add(message("bad-view", given=_show(raw)))
    return None


def _read(param: Param, raw: str, warnings: _Warnings, where: str = ""):
    value, problem = param.coerce(raw)
    if problem:
        warnings.add(problem.within(where))
    return value


def _read_start(raw: str, fallback: tuple[float, float], warnings: _Warnings) -> tuple[float, float]:
    parts = raw.split(",")
    numbers = []
    for part in parts[:2]:
        try:
            number = float(part.strip()) if len(part) <= 40 else math.nan
        except ValueError:
            number = math.nan
        numbers.append(number)
    if len(parts) != 2 or not all(math.isfinite(n) for n in numbers):
        warnings.add(message("bad-start", given=_show(raw)))
        return fallback
    clamped = tuple(min(max(n, -START_LIMIT), START_LIMIT) for n in numbers)
    if clamped != tuple(numbers):
        warnings.add(message("start-limited", limit=f"{START_LIMIT:g}", used=f"{clamped[0]!r},{clamped[1]!r}"))
    return clamped  # type: ignore[return-value]


def _read_run(text: str, warnings: _Warnings, surface) -> Run | None:
    match = _RUN.match(text) if len(text) <= 1000 else None
    if not match:
        warnings.add(message("bad-run", given=_show(text)))
        return None
    name, inner = match.group(1).lower(), match.group(2) or ""
    if name not in OPTIMIZERS:
        warnings.add(message("unknown-optimizer", given=_show(name), choices=", ".join(OPTIMIZERS)))
        return None
    opt = OPTIMIZERS[name]
    settings: dict[str, str] = {}
    for item in inner.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep:
            warnings.add(message("no-equals", given=_show(item)).within(f"{name}: "))
        elif key in settings:
            warnings.add(message("key-repeated", key=_show(key)).within(f"{name}: "))
        else:
            settings[key] = value.strip()

    where = f"{name}: "
    schedule_id = settings.pop("schedule", "constant").lower()
    if schedule_id not in SCHEDULES:
        warnings.add(message("unknown-schedule", given=_show(schedule_id)).within(where))
        schedule_id = "constant"
    schedule = SCHEDULES[schedule_id]
    hyper = {p.name: _read(p, settings.pop(p.name), warnings, where) if p.name in settings else p.default
             for p in opt.params}
    hyper, repairs = opt.repair(hyper)
    for problem in repairs:
        warnings.add(problem.within(where))
    schedule_params = {p.name: _read(p, settings.pop(p.name), warnings, where) if p.name in settings
                       else p.default for p in schedule.params}
    noise = _read(NOISE, settings.pop("noise"), warnings, where) if "noise" in settings else 0.0
    batch = 0
    if "batch" in settings:  # rows per mini-batch: only where there are rows, and at most all of them
        raw_batch = settings.pop("batch")
        if surface.rows is None:
            warnings.add(message("batch-without-data", given=surface.id).within(where))
        else:
            batch = _read(replace(BATCH, high=surface.rows), raw_batch, warnings, where)
    label = ""
    if "label" in settings:
        raw_label = settings.pop("label")
        label = clean_label(raw_label)
        if label != " ".join(raw_label.split()):
            warnings.add(message("label-cleaned", limit=MAX_LABEL_LENGTH, forbidden="".join(sorted(LABEL_FORBIDDEN)),
                                 used=repr(label)).within(where))
    for key in settings:
        warnings.add(message("unknown-setting", key=_show(key)).within(where))
    return Run.trusted(name, hyper, schedule_id, schedule_params, noise, label, batch)


def to_query(experiment: Experiment, view: View | None = None) -> str:
    """The canonical query string (without '?'): parse(to_query(e)) gives e back exactly."""
    surface_cls = SURFACES[experiment.surface]
    parts = [("surface", experiment.surface)]
    parts += [(p.name, p.format(experiment.surface_params[p.name])) for p in surface_cls.params]
    parts += [("start", f"{experiment.start[0]!r},{experiment.start[1]!r}"),
              ("steps", str(experiment.steps)), ("seed", str(experiment.seed))]
    parts += [("opt", run_text(r)) for r in experiment.runs]
    parts += [("sweep", axis.text()) for axis in experiment.sweep]
    if experiment.measure != MEASURE.default:
        parts.append(("measure", experiment.measure))
    if experiment.tolerance != TOLERANCE.default:
        parts.append(("tolerance", TOLERANCE.format(experiment.tolerance)))
    if view is not None:
        if view.step is not None:
            parts.append(("step", str(view.step)))
        if view.zoom is not None:
            parts.append(("view", ",".join(repr(v) for v in view.zoom)))
        for key in ("lang", "lesson"):
            if getattr(view, key):
                parts.append((key, getattr(view, key)))
        if view.present:
            parts.append(("present", "1"))
        if view.plot == "3d":
            parts.append(("plot", "3d"))
        if view.arrows:
            parts.append(("arrows", view.arrows))
        if view.hide:
            parts.append(("hide", ",".join(view.hide)))
    return "&".join(f"{key}={quote(value, safe=_SAFE)}" for key, value in parts)


def run_text(run: Run) -> str:
    """``adam(lr=0.01,beta1=0.8,schedule=cosine,noise=0.1)``: lr always, other values only when not default."""
    opt = OPTIMIZERS[run.optimizer]
    items = [f"lr={opt.params[0].format(run.lr)}"]
    items += [f"{p.name}={p.format(run.hyper[p.name])}" for p in opt.params[1:] if run.hyper[p.name] != p.default]
    if run.schedule != "constant":
        items.append(f"schedule={run.schedule}")
        schedule = SCHEDULES[run.schedule]
        items += [f"{p.name}={p.format(run.schedule_params[p.name])}" for p in schedule.params
                  if run.schedule_params[p.name] != p.default]
    if run.noise:
        items.append(f"noise={NOISE.format(run.noise)}")
    if run.batch:
        items.append(f"batch={run.batch}")
    if run.label:
        items.append(f"label={run.label}")
    return f"{run.optimizer}({','.join(items)})"


def _show(text: str, limit: int = 24) -> str:
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return repr(text if len(text) <= limit else text[:limit] + "…")


__all__ = ["View", "fit_zoom", "parse", "parse_view", "query_of", "run_text", "to_query", "usable_zoom", "work_limits"]
