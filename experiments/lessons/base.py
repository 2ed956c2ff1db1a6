"""What a lesson is, how it is run and checked, and what its checks read: the Result, and what is on screen.

A lesson is data: an experiment as a canonical link query, the framing that makes its point visible (a zoom of
the contour and ranges for the curves), the sentence of the notes it reproduces (quoted verbatim from its seed
file), a title and a caption in each language, and two checks that list what is missing ([] when nothing is):
- `check` runs on the Result: the phenomenon happens, with the measured numbers;
- `screen` runs on a Screen, what the page draws in presentation mode: the phenomenon can be seen, as a
  position or a range in pixels.

    result, problems = check_lesson(LESSONS["zigzag"])
    lesson_link(LESSONS["zigzag"])  # the query, its view= and &lesson=zigzag, for the page

The seed files are the five lecture notes the product is built from (see the design notes); `seed` names one
and `quote` is a sentence copied from it exactly. `topics` names what of the notes the lesson shows, as
"NNN: topic" with the note's number and a topic from the third column of notes/README.md's table (a lesson may
show topics of other notes than its seed); `summary` is its one line in the lessons menu.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote as _percent

import numpy as np

from experiments.runner import Result, RunResult, run
from experiments.url import View, parse, to_query

LANGUAGES = ("en", "zh-CN", "zh-TW")


@dataclass(frozen=True)
class ScreenRow:
    """One row of the curves as drawn: its visible range (in the data's units, also for a log axis), its height
    in pixels, and each run's drawn steps and values."""

    range: tuple[float, float]
    log: bool
    height: float
    curves: list[tuple[np.ndarray, np.ndarray]]

    def pixel(self, values) -> np.ndarray:
        """Height above the row's bottom edge, in pixels (NaN where a log axis cannot show a value)."""
        values = np.asarray(values, dtype=float)
        low, high = self.range
        with np.errstate(all="ignore"):
            if self.log:
                values, low, high = np.log10(values), np.log10(low), np.log10(high)
            return (values - low) / (high - low) * self.height

    def visible(self, values) -> np.ndarray:
        heights = self.pixel(values)
        return np.isfinite(heights) & (heights >= 0) & (heights <= self.height)


@dataclass(frozen=True)
class SweepScreen:
    """The sweep plot as drawn: its kind ("line" or "phase"), its visible box (data units, also on log axes) and
    plot size in pixels; for a line, each run's drawn curve, its diverged values (the ✕ on the strip) and the
    stability edges; for a phase diagram, the heatmap (x, y, z with z[j][i] at x[i], y[j]), the best cell and
    Goh's optimum; and each run's ring at its own setting."""

    kind: str
    x: tuple[float, float]
    y: tuple[float, float]
    log_x: bool
    log_y: bool
    width: float
    height: float
    curves: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    diverged: list[np.ndarray] = field(default_factory=list)
    edges: list[float] = field(default_factory=list)
    rings: list[tuple[float, float] | None] = field(default_factory=list)  # None: the run's value is undefined
    heat: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    best: tuple[float, float] | None = None
    optimum: tuple[float, float] | None = None

    def px(self, x) -> np.ndarray:
        """Pixels from the plot's left edge."""
        return self._scale(x, self.x, self.log_x) * self.width

    def py(self, y) -> np.ndarray:
        """Pixels above the plot's bottom edge."""
        return self._scale(y, self.y, self.log_y) * self.height

    @staticmethod
    def _scale(values, box, log) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        low, high = box
        with np.errstate(all="ignore"):
            if log:
                values, low, high = np.log10(values), np.log10(low), np.log10(high)
            return (values - low) / (high - low)


@dataclass(frozen=True)
class Screen:
    """What the page draws: the contour's visible box and plot size in pixels, the start, each run's drawn path
    (the whole path, at the last step), the curves by row ("loss", "grad_norm", "lr") and, with a sweep on screen,
    the sweep plot, and with the step inspector on screen, its gradient check."""

    x: tuple[float, float]
    y: tuple[float, float]
    width: float
    height: float
    start: tuple[float, float]
    paths: list[np.ndarray]
    rows: dict[str, ScreenRow] = field(default_factory=dict)
    sweep: SweepScreen | None = None  # when the sweep plot is on screen
    # What the visible inspector's gradient-check table shows, from its raw numbers: {"h", "analytic", "central",
    # "forward" (pairs, None where missing), "central_error", "forward_error", "step" (the inspected k)}; None when
    # the table is not on screen.
    gradient_check: dict | None = None
    # What the contour draws over the paths at the current step (the step inspector's arrows, curvature crosses and
    # first-order model), in data units: each {"kind": its class, "run": k, "points": (n, 2), "value": a number it
    # carries (a cross arm's λ, a ball's radius) or None}.
    overlay: list[dict] = field(default_factory=list)

    def pixels(self, points) -> np.ndarray:
        """Points (..., 2) in pixels from the plot's bottom-left corner."""
        points = np.asarray(points, dtype=float)
        px = (points[..., 0] - self.x[0]) / (self.x[1] - self.x[0]) * self.width
        py = (points[..., 1] - self.y[0]) / (self.y[1] - self.y[0]) * self.height
        return np.stack([px, py], axis=-1)

    def inside(self, points) -> np.ndarray:
        p = self.pixels(points)
        return (p[..., 0] >= 0) & (p[..., 0] <= self.width) & (p[..., 1] >= 0) & (p[..., 1] <= self.height)

    def apart(self, a, b) -> float:
        """How far apart two points are on screen, as a fraction of the plot's width."""
        offset = self.pixels(a) - self.pixels(b)
        return float(np.hypot(offset[..., 0], offset[..., 1]) / self.width)


@dataclass(frozen=True)
class Lesson:
    slug: str  # url-safe id: lowercase letters, digits and '-'
    query: str  # canonical: to_query(parse(query)[0]) == query, with no warnings
    seed: str  # the seed file the lesson reproduces
    quote: str  # a sentence copied verbatim from that seed file
    title: dict[str, str]  # one per language in LANGUAGES
    caption: dict[str, str]  # 2–4 sentences on what to watch for on screen, one per language
    check: Callable[[Result], list[str]]  # the problems found; [] means the phenomenon happens
    screen: Callable[[Screen, Result], list[str]]  # the problems seen; [] means the phenomenon shows
    summary: dict[str, str]  # one line on what the lesson shows, one per language (≤ ~70 characters in English)
    topics: tuple[str, ...]  # the notes' topics it shows, "NNN: topic" as notes/README.md's table spells them
    view: tuple[float, float, float, float] | None = None  # the contour's box, when the surface's own is not it
    curves: dict[str, tuple[float, float]] = field(default_factory=dict)  # a curve row's range, by row key
    # A lesson about one step opens paused there, with the step inspector, and what the contour draws at it
    # (experiments.url.ARROWS: "all" runs' arrows and curvature crosses, or the first-order "taylor" model).
    step: int | None = None
    arrows: str = ""


def lesson_link(lesson: Lesson) -> str:
    """The lesson's query with its framing and the page key that names it."""
    experiment, _ = parse(lesson.query)
    return to_query(experiment, View(step=lesson.step, zoom=lesson.view, lesson=lesson.slug, arrows=lesson.arrows))


def check_lesson(lesson: Lesson) -> tuple[Result, list[str]]:
    """Parse and run the lesson's experiment and check it. Link warnings count as problems."""
    experiment, warnings = parse(lesson.query)
    result = run(experiment)
    return result, [f"link warning: {w}" for w in warnings] + lesson.check(result)


# -- helpers the checks share ----------------------------------------------------------------------------------


def label(text: str) -> str:
    """A run label as the canonical query spells it (spaces and non-ASCII percent-encoded)."""
    return _percent(text, safe="-._~")


def needs(*labels: str):
    """Look the named runs up (by label) and pass them to the check; a missing run is itself a problem."""

    def wrap(check):
        @functools.wraps(check)
        def checked(result: Result) -> list[str]:
            by_name = {rr.run.name: rr for rr in result.runs}
            missing = [label for label in labels if label not in by_name]
            if missing:
                return [f"no run labelled {', '.join(map(repr, missing))}"]
            return check(result, *(by_name[label] for label in labels))

        return checked

    return wrap


def distance(points: np.ndarray, target) -> np.ndarray:
    """Euclidean distance of each point (..., 2) to a target point."""
    offset = np.asarray(points, dtype=float) - np.asarray(target, dtype=float)
    return np.hypot(offset[..., 0], offset[..., 1])


def lowest_minimum(result: Result) -> np.ndarray:
    """The surface's minimum (the lowest, when there are several)."""
    lowest = min(result.surface.minima(), key=lambda c: float(result.surface.value(np.array([c.x, c.y]))))
    return np.array([lowest.x, lowest.y])


def two_lowest_minima(result: Result) -> tuple[np.ndarray, np.ndarray]:
    """The global minimum and the next lowest, a local one (the surface has at least two)."""
    surface = result.surface
    best, local = sorted(surface.minima(), key=lambda c: float(surface.value(np.array([c.x, c.y]))))[:2]
    return np.array([best.x, best.y]), np.array([local.x, local.y])


def steps_to_reach(rr: RunResult, target, within: float) -> int | None:
    """The first step at which the run is within `within` of the target, or None if it never is."""
    hits = np.flatnonzero(distance(rr.points, target) < within)
    return int(hits[0]) if hits.size else None


def arrival(name: str, steps: int | None, within: float) -> str:
    """'GD came within 0.001 of the minimum at step 87' or 'GD never came within 0.001 of the minimum'."""
    if steps is None:
        return f"{name} never came within {within:g} of the minimum"
    return f"{name} came within {within:g} of the minimum at step {steps}"


@functools.lru_cache(maxsize=4)
def result_of(query: str) -> Result:
    """A lesson that compares itself with another lesson runs that one too (cached: experiments are pure)."""
    return run(parse(query)[0])


def on_screen(*labels: str):
    """Like `needs`, for an on-screen check: it gets the Screen, the Result and the named runs' indices."""

    def wrap(check):
        @functools.wraps(check)
        def checked(screen: Screen, result: Result) -> list[str]:
            index = {rr.run.name: k for k, rr in enumerate(result.runs)}
            missing = [label for label in labels if label not in index]
            if missing:
                return [f"no run labelled {', '.join(map(repr, missing))}"]
            if len(screen.paths) != len(result.runs):
                return [f"{len(screen.paths)} paths are drawn for {len(result.runs)} runs"]
            return check(screen, result, *(index[label] for label in labels))

        return checked

    return wrap


def extent(screen: Screen, points: np.ndarray, axis: int) -> float:
    """How far the points reach along one axis of the plot (0: x, 1: y), as a fraction of the plot's width."""
    pixels = screen.pixels(points)[..., axis]
    pixels = pixels[np.isfinite(pixels)]
    return float((pixels.max() - pixels.min()) / screen.width) if pixels.size else 0.0


def row_rise(row: ScreenRow, run: int, first: slice = slice(0, 1), last: slice = slice(-1, None)) -> float:
    """How far a run's drawn curve rises on a row from its `first` points to its `last`, as a fraction of the
    row's height (negative: it falls); NaN where either end is off the row."""
    _, values = row.curves[run]
    start, end = values[first], values[last]
    if not (row.visible(start).all() and row.visible(end).all()):
        return float("nan")
    return float((row.pixel(end).mean() - row.pixel(start).mean()) / row.height)
