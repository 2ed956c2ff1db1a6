"""The lessons, in gallery order: each an experiment from the lecture notes, its checks, and its words."""

from __future__ import annotations

import numpy as np

from experiments.lessons.base import (
    Lesson,
    Result,
    RunResult,
    Screen,
    arrival,
    distance,
    extent,
    label,
    lowest_minimum,
    needs,
    on_screen,
    result_of,
    row_rise,
    steps_to_reach,
)
from optimizers import OPTIMIZERS

# -- 1. training stuck with a large gradient (seed 002) --------------------------------------------------------

GRAD_KEPT = 0.5  # the gradient norm at the end is at least this fraction of the start's
LOSS_FLAT = 0.01  # the loss changes by less than this fraction over the second half


@needs("GD")
def _check_zigzag(result: Result, gd: RunResult) -> list[str]:
    problems = []
    kept = gd.grad_norm[-1] / gd.grad_norm[0]
    if kept < GRAD_KEPT:
        problems.append(f"the gradient norm fell from {gd.grad_norm[0]:.3g} to {gd.grad_norm[-1]:.3g} "
                        f"({kept * 100:.2g}% of the start); expected at least {GRAD_KEPT:.0%}")
    half = gd.loss[len(gd.loss) // 2]
    change = abs(half - gd.loss[-1]) / half
    if change >= LOSS_FLAT:
        problems.append(f"the loss changed by {change:.1%} over the second half ({half:.4g} to "
                        f"{gd.loss[-1]:.4g}); expected under {LOSS_FLAT:.0%}")
    if gd.diverged_at is not None:
        problems.append(f"GD diverged at step {gd.diverged_at}; it should bounce for ever")
    return problems


# -- 2. a tiny learning rate never arrives (seed 002) ------------------------------------------------------------

CRAWL_STEPS = 100_000
STILL_FAR = 0.5  # after all the steps, still at least this fraction of the start's distance from the minimum


@needs("GD")
def _check_tiny_lr(result: Result, gd: RunResult) -> list[str]:
    problems = []
    if len(gd.points) - 1 < CRAWL_STEPS:
        problems.append(f"GD ran {len(gd.points) - 1:,} steps; the notes' picture needs {CRAWL_STEPS:,}")
    minimum = lowest_minimum(result)
    start, end = distance(gd.points[0], minimum), distance(gd.final_point, minimum)
    if end < STILL_FAR * start:
        problems.append(f"GD ended {end:.3g} from the minimum, having started {start:.3g} away; expected it "
                        f"to stay at least {STILL_FAR:.0%} of the way out")
    return problems


# -- 3. Adagrad's bursts, calmed by learning-rate decay (seed 002) ---------------------------------------------

QUIET = 50  # a burst is measured against the calmest gradient norm of the previous QUIET steps
BURST = 10.0  # a burst: the gradient norm rises above BURST times that calm value
MIN_BURSTS = 3  # "again and again"
SETTLED = 1e-3  # the decayed run ends this close to the minimum


def _bursts(grad_norm: np.ndarray) -> list[int]:
    """Steps where the gradient norm shoots above BURST × its lowest value over the previous QUIET steps."""
    calm = np.array([grad_norm[t - QUIET:t].min() for t in range(QUIET, len(grad_norm))])
    above = grad_norm[QUIET:] > BURST * calm
    starts = np.flatnonzero(above[1:] & ~above[:-1]) + 1  # count each burst once, where it begins
    return [int(t) + QUIET for t in starts]


@needs("Adagrad", "with decay")
def _check_adagrad_bursts(result: Result, plain: RunResult, decayed: RunResult) -> list[str]:
    problems = []
    bursts = _bursts(plain.grad_norm)
    if len(bursts) < MIN_BURSTS:
        problems.append(f"plain Adagrad burst {len(bursts)} times (steps {bursts}); expected at least {MIN_BURSTS}")
    calmed = _bursts(decayed.grad_norm)
    if calmed:
        problems.append(f"Adagrad with decay burst {len(calmed)} times (steps {calmed[:5]}); expected none")
    end = distance(decayed.final_point, lowest_minimum(result))
    if end > SETTLED:
        problems.append(f"Adagrad with decay ended {end:.3g} from the minimum; expected within {SETTLED:g}")
    return problems


# -- 4. warm-up against a first step that overshoots (seed 000) -------------------------------------------------

EARLY = 20  # the first steps, where the run without warm-up overshoots
OVERSHOOT = 10.0  # ... its loss rising above OVERSHOOT × the start loss


@needs("no warm-up", "warm-up")
def _check_warm_up(result: Result, cold: RunResult, warm: RunResult) -> list[str]:
    problems = []
    jump = cold.loss[:EARLY + 1].max() / cold.loss[0]
    if jump < OVERSHOOT:
        problems.append(f"without warm-up the loss rose to {jump:.3g}× the start loss in the first {EARLY} steps; "
                        f"expected at least {OVERSHOOT:g}×")
    warmup = warm.run.schedule_params.get("warmup", 0)
    if not warmup:
        return [*problems, f"the run labelled 'warm-up' has schedule {warm.run.schedule}, which has no warm-up"]
    rise = warm.loss[:warmup + 1].max() / warm.loss[0]
    if rise > 1.0:
        problems.append(f"with warm-up the loss rose to {rise:.3g}× the start loss during the {warmup}-step "
                        "warm-up; expected it never to exceed the start")
    return problems


# -- 5. the crescent: RMSprop adapts where Adagrad stalls (seed 002) --------------------------------------------

ARRIVED = 0.05  # RMSprop ends this close to the minimum
STALLED = 0.3  # Adagrad is still at least this far away


@needs("Adagrad", "RMSprop")
def _check_crescent(result: Result, adagrad: RunResult, rmsprop: RunResult) -> list[str]:
    problems = []
    minimum = lowest_minimum(result)
    near, far = distance(rmsprop.final_point, minimum), distance(adagrad.final_point, minimum)
    if near > ARRIVED:
        problems.append(f"RMSprop ended {near:.3g} from the minimum; expected within {ARRIVED:g}")
    if far < STALLED:
        problems.append(f"Adagrad ended {far:.3g} from the minimum; expected it to stall at least {STALLED:g} away")
    return problems


# -- 6. a saddle: GD stops, noise and momentum escape (seed 003) -------------------------------------------------

AT_SADDLE = 1e-3  # GD ends this close to the saddle and never strays this far from the ridge
AT_MINIMUM = 1e-2  # the noisy run and momentum end this close to a minimum


@needs("GD", "noisy SGD", "momentum")
def _check_saddle(result: Result, gd: RunResult, noisy: RunResult, momentum: RunResult) -> list[str]:
    surface = result.surface
    saddle = next(np.array([c.x, c.y]) for c in surface.critical_points() if c.kind == "saddle")
    minima = [np.array([c.x, c.y]) for c in surface.minima()]
    problems = []
    end = distance(gd.final_point, saddle)
    if end > AT_SADDLE:
        problems.append(f"GD ended {end:.3g} from the saddle; expected within {AT_SADDLE:g}")
    # The ridge through the saddle is the line along the Hessian's positive eigenvector; GD should stay on it.
    _, vectors = np.linalg.eigh(surface.hessian(saddle))
    off_ridge = np.abs((gd.points - saddle) @ vectors[:, 0]).max()  # along the falling (negative) direction
    if off_ridge > AT_SADDLE:
        problems.append(f"GD strayed {off_ridge:.3g} off the ridge; expected under {AT_SADDLE:g}")
    for rr in (noisy, momentum):
        nearest = min(distance(rr.final_point, m) for m in minima)
        if nearest > AT_MINIMUM:
            problems.append(f"{rr.run.name} ended {nearest:.3g} from the nearest minimum; expected within "
                            f"{AT_MINIMUM:g}")
    return problems


# -- 7. momentum swings like a pendulum, Nesterov damps it (seed 001) ------------------------------------------

SWING = 0.01  # a swing counts when it carries the point past the minimum by this fraction of the start offset
MORE_SWINGS = 2.0  # momentum swings at least this many times as often as Nesterov


def _swings(rr: RunResult, minimum: np.ndarray, axis: np.ndarray) -> list[float]:
    """Sizes of the successive overshoots along `axis`, as fractions of the start's offset along it."""
    along = (rr.points - minimum) @ axis
    if along[0] == 0:
        return []  # a start on the minimum's level along the axis has nothing to swing
    crossings = np.flatnonzero(np.sign(along[1:]) * np.sign(along[:-1]) < 0) + 1
    ends = [*crossings[1:], len(along)]
    sizes = [np.abs(along[a:b]).max() / abs(along[0]) for a, b in zip(crossings, ends, strict=True)]
    return [float(s) for s in sizes if s > SWING]


@needs("momentum", "Nesterov")
def _check_pendulum(result: Result, momentum: RunResult, nesterov: RunResult) -> list[str]:
    minimum = lowest_minimum(result)
    _, vectors = np.linalg.eigh(result.surface.hessian(minimum))
    steep = vectors[:, 1]  # the direction of the largest curvature, where the swinging shows
    heavy, light = _swings(momentum, minimum, steep), _swings(nesterov, minimum, steep)
    problems = []
    if len(heavy) < MORE_SWINGS * max(len(light), 1):
        problems.append(f"momentum swung past the minimum {len(heavy)} times and Nesterov {len(light)} times; "
                        f"expected momentum at least {MORE_SWINGS:g}× as often")
    largest_heavy, largest_light = max(heavy, default=0.0), max(light, default=0.0)
    if largest_light >= largest_heavy:
        problems.append(f"Nesterov's largest swing ({largest_light:.2f} of the start offset) is not smaller than "
                        f"momentum's ({largest_heavy:.2f})")
    return problems


# -- 8. second-order methods on Rosenbrock (seed 004) -----------------------------------------------------------

REACHED = 1e-3  # "at the minimum"
FEW_STEPS = 100  # Newton and L-BFGS get there within this many steps


@needs("GD", "momentum", "Adam", "Newton", "L-BFGS")
def _check_second_order(result: Result, *runs: RunResult) -> list[str]:
    minimum = lowest_minimum(result)
    problems = []
    *first_order, newton, lbfgs = runs
    for rr in (newton, lbfgs):
        steps = steps_to_reach(rr, minimum, REACHED)
        if steps is None or steps > FEW_STEPS:
            problems.append(f"{arrival(rr.run.name, steps, REACHED)}; expected within {FEW_STEPS} steps")
    for rr in first_order:
        steps = steps_to_reach(rr, minimum, REACHED)
        if steps is not None:
            problems.append(f"{arrival(rr.run.name, steps, REACHED)}; expected it still on its way after "
                            f"{len(rr.points) - 1} steps")
    return problems


# -- 9. feature normalization: stretched, then round (seed 000) --------------------------------------------------

SLOW = 200  # on the stretched ellipse the safe rate needs more than this many steps to arrive
FAST = 20  # on the round bowl the large rate arrives within this many steps
SPEED_UP = 10.0  # the round bowl's fastest run arrives at least this many times sooner than the stretched one's


def _fastest(result: Result) -> int | None:
    minimum = lowest_minimum(result)
    steps = [s for rr in result.runs if (s := steps_to_reach(rr, minimum, REACHED)) is not None]
    return min(steps, default=None)


@needs("small lr", "large lr")
def _check_stretched(result: Result, small: RunResult, large: RunResult) -> list[str]:
    problems = []
    if large.diverged_at is None:
        problems.append(f"the large rate did not diverge (final loss {large.final_loss:.3g}); on a stretched "
                        "surface it should")
    steps = steps_to_reach(small, lowest_minimum(result), REACHED)
    if steps is None or steps <= SLOW:
        problems.append(f"{arrival('the small rate', steps, REACHED)}; expected it to arrive, but only after "
                        f"more than {SLOW} steps")
    return problems


@needs("small lr", "large lr")
def _check_round(result: Result, small: RunResult, large: RunResult) -> list[str]:
    problems = []
    steps = steps_to_reach(large, lowest_minimum(result), REACHED)
    if steps is None or steps > FAST:
        problems.append(f"{arrival('the large rate', steps, REACHED)}; expected within {FAST} steps")
    round_best, stretched_best = _fastest(result), _fastest(result_of(LESSONS["normalize-stretched"].query))
    if round_best is None or stretched_best is None or round_best * SPEED_UP > stretched_best:
        problems.append(f"the fastest run came within {REACHED:g} of the minimum at step {round_best} on the round "
                        f"bowl and at step {stretched_best} on the stretched one (None: never); expected the round "
                        f"bowl at least {SPEED_UP:g}× sooner")
    return problems


# -- 17, 18. normalization on real data: the offset feature stretches the loss, standardizing it rounds it (000) --

STILL_FAR_DATA = 1.0  # after all its steps the safe rate on the raw data is still this far from the fit
ROUND_FAST = 20  # on the standardized data the large rate arrives within this many steps


@needs("safe lr", "larger lr")
def _check_data_stretched(result: Result, safe: RunResult, larger: RunResult) -> list[str]:
    problems = []
    minimum = lowest_minimum(result)
    low, high = np.linalg.eigvalsh(result.surface.hessian(minimum))
    if high / low < 1e4:
        problems.append(f"the loss's Hessian has condition number {high / low:.3g}; the raw feature should stretch "
                        "it past 10⁴")
    if safe.diverged_at is not None or distance(safe.final_point, minimum) < STILL_FAR_DATA:
        problems.append(f"the safe rate ended {distance(safe.final_point, minimum):.3g} from the least-squares fit "
                        f"(diverged: {safe.diverged_at}); expected it to crawl, still over {STILL_FAR_DATA:g} away")
    if larger.diverged_at is None:
        problems.append(f"the larger rate did not diverge (final loss {larger.final_loss:.3g}); above 2/λmax it should")
    return problems


@needs("safe lr", "large lr")
def _check_data_round(result: Result, safe: RunResult, large: RunResult) -> list[str]:
    problems = []
    minimum = lowest_minimum(result)
    steps = steps_to_reach(large, minimum, REACHED)
    if steps is None or steps > ROUND_FAST:
        problems.append(f"{arrival('the large rate', steps, REACHED)}; expected within {ROUND_FAST} steps")
    low, high = np.linalg.eigvalsh(result.surface.hessian(minimum))
    if high / low > 1.01:
        problems.append(f"the standardized loss has condition number {high / low:.4g}; expected 1 (round)")
    return problems


@on_screen("safe lr", "larger lr")
def _screen_data_stretched(screen: Screen, result: Result, safe: int, larger: int) -> list[str]:
    problems = []
    if (gap := screen.apart(screen.paths[safe][-1], lowest_minimum(result))) < 10 * LANDED_SEEN:
        problems.append(f"the safe rate ends {gap:.1%} of the plot from the star; it should be visibly short of it")
    if screen.inside(screen.paths[larger]).all():
        problems.append("the larger rate never leaves the plot; it should blow up")
    return problems


@on_screen("safe lr", "large lr")
def _screen_data_round(screen: Screen, result: Result, safe: int, large: int) -> list[str]:
    problems = []
    if (gap := screen.apart(screen.paths[large][-1], lowest_minimum(result))) > LANDED_SEEN:
        problems.append(f"the large rate ends {gap:.1%} of the plot from the star")
    if (gap := screen.apart(screen.paths[safe][-1], lowest_minimum(result))) < 10 * LANDED_SEEN:
        problems.append(f"the safe rate ends {gap:.1%} of the plot from the star; it should still be on its way")
    return problems


# -- 19. batch size: the full batch settles, mini-batches hover, the smaller the more (003) ------------------------

SETTLED = 1e-9  # the full batch ends this close to the least-squares fit
HOVER = 3.0  # each halving of information: batch 1 hovers at least this many times farther out than batch 16
HOVER_SEEN = 0.3  # on the loss row, batch 1's late curve sits at least this much of the row above the full batch's


def _late_distance(rr: RunResult, minimum) -> float:
    return float(np.mean(np.linalg.norm(rr.points[len(rr.points) // 2:] - minimum, axis=1)))


@needs("full batch", "batch 16", "batch 1")
def _check_batch_size(result: Result, full: RunResult, sixteen: RunResult, one: RunResult) -> list[str]:
    problems = []
    minimum = lowest_minimum(result)
    if (end := distance(full.final_point, minimum)) > SETTLED:
        problems.append(f"the full batch ended {end:.3g} from the least-squares fit; expected within {SETTLED:g}")
    near = {name: _late_distance(rr, minimum) for name, rr in (("full", full), ("16", sixteen), ("1", one))}
    if not (near["1"] >= HOVER * near["16"] and near["16"] >= HOVER * max(near["full"], SETTLED)):
        problems.append(f"over the second half the runs stay on average {near['full']:.3g} (full batch), "
                        f"{near['16']:.3g} (batch 16) and {near['1']:.3g} (batch 1) from the fit; expected each "
                        f"smaller batch at least {HOVER:g}× farther out")
    return problems


@on_screen("full batch", "batch 1")
def _screen_batch_size(screen: Screen, result: Result, full: int, one: int) -> list[str]:
    row = screen.rows["loss"]
    heights = []
    for run in (full, one):
        _, values = row.curves[run]
        late = values[len(values) // 2:]
        heights.append(np.nanmedian(np.clip(row.pixel(late), 0, row.height)) / row.height)
    if not heights[1] - heights[0] >= HOVER_SEEN:
        return [f"late in the run batch 1's loss sits {heights[1] - heights[0]:.0%} of the loss row above the full "
                f"batch's; expected {HOVER_SEEN:.0%}"]
    return []


# -- 10. the learning rate against the Hessian's largest eigenvalue (seed 001) ------------------------------------


def _check_lr_limit(result: Result) -> list[str]:
    minimum = lowest_minimum(result)
    lam_max = float(np.linalg.eigvalsh(result.surface.hessian(minimum))[-1])
    limit = 2.0 / lam_max
    problems = []
    below = [rr for rr in result.runs if rr.run.lr < limit]
    above = [rr for rr in result.runs if rr.run.lr > limit]
    if not below or not above:
        problems.append(f"with λmax = {lam_max:g} the limit is 2/λmax = {limit:g}; expected runs on both sides "
                        f"of it, got {len(below)} below and {len(above)} above")
    for rr in below:
        end = distance(rr.final_point, minimum)
        if rr.diverged_at is not None or end > REACHED:
            problems.append(f"{rr.run.name} (lr {rr.run.lr:g} < {limit:g}) ended {end:.3g} from the minimum; "
                            f"expected it to converge within {REACHED:g}")
    for rr in above:
        if rr.diverged_at is None and rr.final_loss <= rr.loss[0]:
            problems.append(f"{rr.run.name} (lr {rr.run.lr:g} > {limit:g}) neither diverged nor rose above its "
                            f"start loss (final {rr.final_loss:.3g})")
    return problems


# -- 11. Adam with and without bias correction (seed 004) --------------------------------------------------------

DIFFER = 2.0  # the first steps differ by at least this factor
AGREE = 1.25  # over the last LATE steps the speeds agree within this factor
LATE = 200
FORMULA_TOLERANCE = 0.05  # the measured first-step ratio matches (1 − β₁)/√(1 − β₂) this closely


def _step_lengths(rr: RunResult) -> np.ndarray:
    moves = np.diff(rr.points, axis=0)
    return np.hypot(moves[:, 0], moves[:, 1])


@needs("with correction", "without correction")
def _check_bias_correction(result: Result, corrected: RunResult, raw: RunResult) -> list[str]:
    problems = []
    beta1, beta2 = raw.run.hyper["beta1"], raw.run.hyper["beta2"]
    # Step 1 with correction moves η per axis; without it m = (1 − β₁)g and √v = √(1 − β₂)|g|.
    expected = (1 - beta1) / np.sqrt(1 - beta2)
    fast, slow = _step_lengths(raw), _step_lengths(corrected)
    first = fast[0] / slow[0]
    if abs(first / expected - 1) > FORMULA_TOLERANCE:
        problems.append(f"the first steps differ by {first:.3g}×; Adam's equations say (1 − β₁)/√(1 − β₂) = "
                        f"{expected:.3g}×")
    if max(first, 1 / first) < DIFFER:
        problems.append(f"the first steps differ by only {first:.3g}×; expected at least {DIFFER:g}×")
    late = fast[-LATE:].mean() / slow[-LATE:].mean()
    if max(late, 1 / late) > AGREE:
        problems.append(f"over the last {LATE} steps the speeds differ by {late:.3g}×; expected within {AGREE:g}×")
    return problems


# -- 12. local or global minimum (seed 003) -----------------------------------------------------------------------

IN_BASIN = 1e-2  # "ends in" a minimum: within this distance of it


@needs("GD", "momentum 0.5", "momentum 0.9")
def _check_local_minimum(result: Result, gd: RunResult, gentle: RunResult, heavy: RunResult) -> list[str]:
    surface = result.surface
    minima = sorted(surface.minima(), key=lambda c: float(surface.value(np.array([c.x, c.y]))))
    if len(minima) < 2:
        return [f"the surface has {len(minima)} minimum; the lesson needs a local and a global one"]
    best, local = (np.array([c.x, c.y]) for c in minima[:2])
    problems = []
    for rr, target, name in ((gd, local, "local"), (gentle, local, "local"), (heavy, best, "global")):
        end = distance(rr.final_point, target)
        if end > IN_BASIN:
            problems.append(f"{rr.run.name} ended {end:.3g} from the {name} minimum; expected within {IN_BASIN:g}")
    return problems


# -- 14. the stability edge, swept (seed 001) --------------------------------------------------------------------

EDGE_FALL = 1e20  # below the edge, the final loss falls by at least this factor from the smallest rate


def _edge_of(result: Result) -> float:
    _, high = result.surface.curvature_range()
    return 2.0 / high


def _check_stability_edge(result: Result) -> list[str]:
    table = result.sweep
    if table is None or [a.name for a in table.axes] != ["lr"]:
        return ["the lesson needs a sweep of lr"]
    edge = _edge_of(result)
    rates, gd = table.values[0], table.runs[0]
    below, above = rates < edge, rates > edge
    problems = []
    if not above.any() or not below.any():
        return [f"the sweep {rates.min():g} … {rates.max():g} does not straddle 2/λmax = {edge:g}"]
    if (bad := rates[below & (gd.diverged_at >= 0)]).size:
        problems.append(f"rates below 2/λmax = {edge:g} diverged: {', '.join(f'{v:.3g}' for v in bad)}")
    if (kept := rates[above & (gd.diverged_at < 0)]).size:
        problems.append(f"rates above 2/λmax = {edge:g} did not diverge: {', '.join(f'{v:.3g}' for v in kept)}")
    finals = gd.measure("final_loss")
    if not np.all(np.diff(finals[rates <= edge / 2]) <= 0):
        problems.append("the final loss does not fall steadily as the rate grows towards 1/λmax")
    fall = finals[0] / np.nanmin(finals[below])
    if not fall >= EDGE_FALL:
        problems.append(f"below the edge the final loss falls only {fall:.3g}×; expected {EDGE_FALL:g}×")
    return problems


EDGE_INSIDE = 0.1  # the edge line is at least this far (a fraction of the width) from either side of the plot
CURVE_FALL = 0.5  # the curve drops at least this much of the plot's height before the edge


def _screen_stability_edge(screen: Screen, result: Result) -> list[str]:
    sweep = screen.sweep
    if sweep is None or sweep.kind != "line":
        return ["the sweep plot is not on screen"]
    edge = _edge_of(result)
    problems = []
    if not any(abs(e - edge) < 1e-9 * edge for e in sweep.edges):
        problems.append(f"no line is drawn at 2/λmax = {edge:g} (drawn: {sweep.edges})")
    at = float(sweep.px(edge)) / sweep.width
    if not EDGE_INSIDE <= at <= 1 - EDGE_INSIDE:
        problems.append(f"the edge line sits {at:.0%} across the plot")
    marks = sweep.diverged[0] if sweep.diverged else np.array([])
    if marks.size == 0:
        problems.append("no diverged rate is marked")
    elif (sweep.px(marks) <= sweep.px(edge)).any():
        problems.append("a diverged mark sits left of the edge line")
    xs, ys = sweep.curves[0]
    left = np.isfinite(ys) & (xs < edge)
    heights = sweep.py(ys[left])
    drop = (heights[0] - heights.min()) / sweep.height if heights.size else 0.0
    if not drop >= CURVE_FALL:
        problems.append(f"the curve falls {drop:.0%} of the plot's height before the edge; expected {CURVE_FALL:.0%}")
    return problems


# -- 15. momentum's phase diagram (seeds 001 and 004) -------------------------------------------------------------

FASTER = 5.0  # the best cell beats the best μ = 0 cell by at least this factor
BEST_STEPS, PLAIN_STEPS = 87, 810  # as the caption says


def _phase_cells(result: Result):
    table = result.sweep
    steps = table.runs[0].measure("steps_to_tolerance")
    best = table.runs[0].best("steps_to_tolerance")
    plain = int(np.nanargmin(np.where(np.isfinite(steps[:, 0]), steps[:, 0], np.inf)))
    return table, steps, best, plain


def _check_momentum_phase(result: Result) -> list[str]:
    table = result.sweep
    if table is None or [a.name for a in table.axes] != ["lr", "momentum"] or table.values[1][0] != 0.0:
        return ["the lesson needs a phase diagram over lr and momentum from μ = 0"]
    table, steps, best, plain = _phase_cells(result)
    if best is None or not np.isfinite(steps[:, 0]).any():
        return ["no cell (or no μ = 0 cell) reached the tolerance"]
    fastest, gd = float(steps[best]), float(steps[plain, 0])
    problems = []
    if not fastest * FASTER <= gd:
        problems.append(f"the best cell takes {fastest:.0f} steps and the best μ = 0 cell {gd:.0f}: "
                        f"{gd / fastest:.1f}×, expected at least {FASTER:g}×")
    for said, got in ((BEST_STEPS, fastest), (PLAIN_STEPS, gd)):
        if abs(got / said - 1) > 0.05:
            problems.append(f"the caption says {said} steps; the sweep measures {got:.0f}")
    low, high = result.surface.curvature_range()
    goh = OPTIMIZERS["momentum"].optimum(low, high)
    lr, mu = table.setting(best).values()
    if abs(np.log10(lr / goh["lr"])) > 0.1 or abs(mu - goh["momentum"]) > 0.1:
        problems.append(f"the best cell (lr {lr:.3g}, μ {mu:.3g}) is not beside Goh's optimum "
                        f"(lr {goh['lr']:.3g}, μ {goh['momentum']:.3g})")
    spec = result.runs[0].run
    if (spec.lr, spec.hyper["momentum"]) != (lr, mu):
        problems.append("the run on the contour is not the best cell")
    return problems


BESIDE = 0.06  # the best cell and Goh's star are this close on screen (a fraction of the plot's width)
COLOUR_APART = 0.2  # the best cell and the best μ = 0 cell are this far apart on the colour scale


def _screen_momentum_phase(screen: Screen, result: Result) -> list[str]:
    sweep = screen.sweep
    if sweep is None or sweep.kind != "phase" or sweep.heat is None:
        return ["the phase diagram is not on screen"]
    problems = []
    if sweep.best is None or sweep.optimum is None:
        return ["the best cell or Goh's optimum is not marked"]
    apart = np.hypot(sweep.px(sweep.best[0]) - sweep.px(sweep.optimum[0]),
                     sweep.py(sweep.best[1]) - sweep.py(sweep.optimum[1])) / sweep.width
    if apart > BESIDE:
        problems.append(f"the best cell and Goh's optimum are {apart:.0%} of the plot apart")
    _, ys, z = sweep.heat
    if not (sweep.y[0] <= ys[0] <= sweep.y[1]):
        problems.append("the μ = 0 row is off the plot")
    _, _, best, plain = _phase_cells(result)
    span = np.nanmax(z) - np.nanmin(z)
    gap = (z[0, plain] - z[best[1], best[0]]) / span
    if not gap >= COLOUR_APART:
        problems.append(f"the best cell and the best μ = 0 cell are {gap:.0%} of the colour scale apart")
    return problems


# -- 16. a fair race (seed 001) ---------------------------------------------------------------------------------

SHARED = 0.01  # the one rate everyone shares: the notes' general setting for Adam
LOWER = 1000.0  # tuned, the best two end at least this much lower than RMSprop


def _check_fair_race(result: Result) -> list[str]:
    from experiments.sweep import tune

    table = result.sweep
    if table is None or [a.name for a in table.axes] != ["lr"]:
        return ["the lesson needs a sweep of lr"]
    problems = []
    _, found = tune(result.experiment, table=table)
    for item, rr in zip(found, result.runs, strict=True):
        if item.lr != rr.run.lr:
            problems.append(f"{rr.run.name} runs at lr {rr.run.lr:g}, not at its tuned {item.lr}")
    rates = table.values[0]
    at = int(np.argmin(np.abs(np.log10(rates / SHARED))))
    if rates[at] != SHARED:
        problems.append(f"the sweep has no column at the shared lr {SHARED:g}")
    shared = [swept.measure("final_loss")[at] for swept in table.runs]
    tuned = [rr.final_loss if rr.diverged_at is None else np.nan for rr in result.runs]
    gone = [rr.run.name for rr, value in zip(result.runs, shared, strict=True) if not np.isfinite(value)]
    if not gone:
        problems.append(f"every optimizer survives the shared lr {SHARED:g}; expected some to blow up")
    if not all(np.isfinite(tuned)):
        problems.append("a tuned run diverged")
    order = lambda values: [r.run.name for _, r in sorted(zip(np.nan_to_num(values, nan=np.inf), result.runs,  # noqa: E731
                                                                 strict=True), key=lambda pair: pair[0])]
    if order(shared) == order(tuned):
        problems.append(f"the order is the same at the shared lr and tuned: {order(tuned)}")
    by_name = dict(zip([rr.run.name for rr in result.runs], tuned, strict=True))
    if "RMSprop" in by_name and not min(by_name["Adam"], by_name["momentum"]) * LOWER <= by_name["RMSprop"]:
        problems.append("tuned, neither Adam nor momentum ends a thousand times lower than RMSprop")
    return problems


def _screen_fair_race(screen: Screen, result: Result) -> list[str]:
    sweep = screen.sweep
    if sweep is None or sweep.kind != "line":
        return ["the sweep plot is not on screen"]
    problems = []
    if not sweep.x[0] < SHARED < sweep.x[1]:
        problems.append(f"the shared lr {SHARED:g} is off the plot")
    rings = [*sweep.rings, *[None] * (len(sweep.curves) - len(sweep.rings))]
    for run, ((_, ys), ring) in enumerate(zip(sweep.curves, rings, strict=True)):
        name = result.runs[run].run.name
        if ring is None:
            problems.append(f"{name} has no ring: at its own lr it has no final loss")
            continue
        lowest = np.nanmin(sweep.py(ys[np.isfinite(ys)]))
        if abs(float(sweep.py(ring[1])) - lowest) > 1.5:
            problems.append(f"{name}'s ring is not at its curve's lowest point")
    for run, rr in enumerate(result.runs):
        swept = result.sweep.runs[run]
        at = int(np.argmin(np.abs(np.log10(result.sweep.values[0] / SHARED))))
        if swept.diverged_at[at] >= 0:
            marks = sweep.diverged[run] if run < len(sweep.diverged) else np.array([])
            if not np.any(np.abs(sweep.px(marks) - sweep.px(SHARED)) < 1.0):
                problems.append(f"{rr.run.name} diverges at the shared lr but no mark shows it there")
    return problems


# -- what each lesson shows on screen (presentation mode) ---------------------------------------------------------
# Each check reads the Screen: sizes are fractions of the contour's plot width or of a curve row's height.

BOUNCE_SEEN = 0.15  # GD's bounce across the valley spans at least this much of the plot
FLAT_SEEN = 0.03  # over the second half its loss curve moves by less than this much of its row
KEPT_SEEN = 0.1  # and its gradient norm ends within this much of its row from where it started


@on_screen("GD")
def _screen_zigzag(screen: Screen, result: Result, gd: int) -> list[str]:
    problems = []
    path = screen.paths[gd]
    bounce = extent(screen, path[len(path) // 2:], 1)
    if bounce < BOUNCE_SEEN:
        problems.append(f"GD's bounce across the valley spans {bounce:.0%} of the plot; expected {BOUNCE_SEEN:.0%}")
    half = len(screen.rows["loss"].curves[gd][1]) // 2
    drift = row_rise(screen.rows["loss"], gd, slice(half, half + 1))
    if not abs(drift) < FLAT_SEEN:
        problems.append(f"over the second half the loss curve moves {drift:.0%} of its row; expected under "
                        f"{FLAT_SEEN:.0%} (NaN: off the row)")
    kept = row_rise(screen.rows["grad_norm"], gd)
    if not abs(kept) < KEPT_SEEN:
        problems.append(f"the gradient-norm curve moves {kept:.0%} of its row; expected it level, within "
                        f"{KEPT_SEEN:.0%}")
    return problems


SLIDE_SEEN = 0.25  # the slide down the steep direction spans at least this much of the plot
CRAWL_SEEN = 0.1  # while the crawl along the flat one stays under this much
FALL_SEEN = 0.2  # and the loss curve falls at least this much of its row


@on_screen("GD")
def _screen_tiny_lr(screen: Screen, result: Result, gd: int) -> list[str]:
    problems = []
    path = screen.paths[gd]
    slide, crawl = extent(screen, path, 1), extent(screen, path, 0)
    if slide < SLIDE_SEEN:
        problems.append(f"the slide down the steep direction spans {slide:.0%} of the plot; expected "
                        f"{SLIDE_SEEN:.0%}")
    if crawl > CRAWL_SEEN:
        problems.append(f"the point moves {crawl:.0%} of the plot along the flat direction; expected under "
                        f"{CRAWL_SEEN:.0%}")
    fall = -row_rise(screen.rows["loss"], gd)
    if not fall >= FALL_SEEN:
        problems.append(f"the loss curve falls {fall:.0%} of its row; expected at least {FALL_SEEN:.0%}")
    return problems


BURST_WIDTH_SEEN = 0.2  # the bursts across the valley span at least this much of the plot
BURST_RISE_SEEN = 10.0  # each burst's drawn loss rises to at least this many times the calm loss before it


@on_screen("Adagrad", "with decay")
def _screen_adagrad_bursts(screen: Screen, result: Result, plain: int, decayed: int) -> list[str]:
    problems = []
    row = screen.rows["loss"]
    steps, losses = row.curves[plain]
    after_arrival = screen.paths[plain][steps >= QUIET]
    width = extent(screen, after_arrival, 1)
    if width < BURST_WIDTH_SEEN:
        problems.append(f"the bursts across the valley span {width:.0%} of the plot; expected {BURST_WIDTH_SEEN:.0%}")
    for t in _bursts(result.runs[plain].grad_norm):
        # Against the calm before it, as the numeric check measures a burst against its QUIET steps.
        before, during = (steps >= t - QUIET) & (steps < t), (steps >= t) & (steps < t + 20)
        if not before.any() or not during.any():
            problems.append(f"the burst at step {t} is not drawn")
            continue
        low, peak = losses[before].min(), losses[during].max()
        if not (row.visible(low) and row.visible(peak)):
            problems.append(f"the burst at step {t} (loss {low:.3g} to {peak:.3g}) runs off the loss row")
        elif peak < BURST_RISE_SEEN * low:
            problems.append(f"the burst at step {t} rises {peak / low:.3g}x on the loss curve; expected "
                            f"{BURST_RISE_SEEN:g}x")
    return problems


SPIKE_SEEN = 0.2  # without warm-up the loss curve shoots up at least this much of its row in the first steps
STILL_SEEN = 0.005  # with it, the curve never rises above where it began by more than this


@on_screen("no warm-up", "warm-up")
def _screen_warm_up(screen: Screen, result: Result, cold: int, warm: int) -> list[str]:
    problems = []
    row = screen.rows["loss"]
    for run, early, wanted in ((cold, EARLY, "spike"), (warm, result.runs[warm].run.schedule_params.get("warmup", 1),
                                                         "stay")):
        steps, values = row.curves[run]
        shown = values[steps <= early]
        if not row.visible(shown).all():
            problems.append(f"{result.runs[run].run.name}'s loss curve runs off its row in the first {early} steps")
            continue
        rise = (row.pixel(shown).max() - row.pixel(shown[:1])[0]) / row.height
        if wanted == "spike" and rise < SPIKE_SEEN:
            problems.append(f"without warm-up the loss curve rises {rise:.0%} of its row; expected {SPIKE_SEEN:.0%}")
        if wanted == "stay" and rise > STILL_SEEN:
            problems.append(f"with warm-up the loss curve rises {rise:.1%} of its row above its start")
    return problems


ARRIVED_SEEN = 0.03  # RMSprop's end sits this close to the minimum on screen
STALLED_SEEN = 0.1  # while Adagrad's is at least this far from it


@on_screen("Adagrad", "RMSprop")
def _screen_crescent(screen: Screen, result: Result, adagrad: int, rmsprop: int) -> list[str]:
    best = lowest_minimum(result)
    near, far = screen.apart(screen.paths[rmsprop][-1], best), screen.apart(screen.paths[adagrad][-1], best)
    problems = []
    if not screen.inside(best) or not screen.inside(screen.paths[adagrad][-1]):
        problems.append("the minimum or where Adagrad stalls is out of view")
    if near > ARRIVED_SEEN:
        problems.append(f"RMSprop ends {near:.0%} of the plot from the minimum; expected within {ARRIVED_SEEN:.0%}")
    if far < STALLED_SEEN:
        problems.append(f"Adagrad ends {far:.0%} of the plot from the minimum; expected at least {STALLED_SEEN:.0%}")
    return problems


AT_POINT_SEEN = 0.02  # "ends at" a critical point, on screen


@on_screen("GD", "noisy SGD", "momentum")
def _screen_saddle(screen: Screen, result: Result, gd: int, noisy: int, momentum: int) -> list[str]:
    points = result.surface.critical_points()
    saddle = next((c.x, c.y) for c in points if c.kind == "saddle")
    minima = [(c.x, c.y) for c in points if c.kind == "minimum"]
    problems = []
    if not all(screen.inside(p) for p in [saddle, *minima]):
        problems.append("the saddle or a minimum is out of view")
    if (gap := screen.apart(screen.paths[gd][-1], saddle)) > AT_POINT_SEEN:
        problems.append(f"GD ends {gap:.0%} of the plot from the saddle; expected within {AT_POINT_SEEN:.0%}")
    for run in (noisy, momentum):
        gap = min(screen.apart(screen.paths[run][-1], m) for m in minima)
        if gap > AT_POINT_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.0%} of the plot from a minimum")
    return problems


SWING_SEEN = 0.01  # a swing counts on screen when it carries the point this far past the minimum
HEAVY_SWINGS_SEEN = 8  # momentum's visible swings at least
LIGHT_SWINGS_SEEN = 3  # Nesterov's at most


@on_screen("momentum", "Nesterov")
def _screen_pendulum(screen: Screen, result: Result, momentum: int, nesterov: int) -> list[str]:
    best = lowest_minimum(result)
    _, vectors = np.linalg.eigh(result.surface.hessian(best))
    steep = vectors[:, 1]
    counts = []
    for run in (momentum, nesterov):
        along = (screen.paths[run] - best) @ steep / (screen.x[1] - screen.x[0])
        crossings = np.flatnonzero(np.sign(along[1:]) * np.sign(along[:-1]) < 0) + 1
        ends = [*crossings[1:], len(along)]
        counts.append(sum(np.abs(along[a:b]).max() >= SWING_SEEN for a, b in zip(crossings, ends, strict=True)))
    heavy, light = counts
    problems = []
    if heavy < HEAVY_SWINGS_SEEN or light > LIGHT_SWINGS_SEEN:
        problems.append(f"on screen momentum swings past the minimum {heavy} times and Nesterov {light}; expected "
                        f"at least {HEAVY_SWINGS_SEEN} and at most {LIGHT_SWINGS_SEEN}")
    return problems


LANDED_SEEN = 0.01  # Newton and L-BFGS end on the minimum's star
ON_THE_WAY_SEEN = 0.02  # the first-order runs visibly short of it


@on_screen("GD", "momentum", "Adam", "Newton", "L-BFGS")
def _screen_second_order(screen: Screen, result: Result, *runs: int) -> list[str]:
    best = lowest_minimum(result)
    *first_order, newton, lbfgs = runs
    problems = []
    for run in (newton, lbfgs):
        if (gap := screen.apart(screen.paths[run][-1], best)) > LANDED_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.1%} of the plot from the minimum")
    for run in first_order:
        if (gap := screen.apart(screen.paths[run][-1], best)) < ON_THE_WAY_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.1%} of the plot from the minimum; expected "
                            f"visibly on its way, at least {ON_THE_WAY_SEEN:.0%}")
    return problems


ZIGZAG_SEEN = 0.05  # the small rate's zig-zag across the steep direction spans at least this much of the plot


@on_screen("small lr", "large lr")
def _screen_stretched(screen: Screen, result: Result, small: int, large: int) -> list[str]:
    problems = []
    if (zigzag := extent(screen, screen.paths[small], 1)) < ZIGZAG_SEEN:
        problems.append(f"the small rate's zig-zag spans {zigzag:.0%} of the plot; expected {ZIGZAG_SEEN:.0%}")
    if (gap := screen.apart(screen.paths[small][-1], lowest_minimum(result))) > LANDED_SEEN:
        problems.append(f"the small rate ends {gap:.1%} of the plot from the minimum")
    if screen.inside(screen.paths[large]).all():
        problems.append("the large rate never leaves the plot; it should blow up")
    return problems


QUICK_STEPS = 20  # the first steps, where the large rate on the round bowl drops
DROP_SEEN = 0.5  # its loss curve falls at least this much of its row in them
CREEP_SEEN = 0.1  # the small rate's falls less than this


@on_screen("small lr", "large lr")
def _screen_round(screen: Screen, result: Result, small: int, large: int) -> list[str]:
    problems = []
    row = screen.rows["loss"]
    if (gap := screen.apart(screen.paths[large][-1], lowest_minimum(result))) > LANDED_SEEN:
        problems.append(f"the large rate ends {gap:.1%} of the plot from the minimum")
    for run, wanted in ((large, "drop"), (small, "creep")):
        steps, _ = row.curves[run]
        early = int(np.searchsorted(steps, QUICK_STEPS, side="right")) - 1
        fall = -row_rise(row, run, slice(0, 1), slice(early, early + 1))
        if wanted == "drop" and not fall >= DROP_SEEN:
            problems.append(f"in {QUICK_STEPS} steps the large rate's loss falls {fall:.0%} of its row; expected "
                            f"{DROP_SEEN:.0%}")
        if wanted == "creep" and not fall < CREEP_SEEN:
            problems.append(f"in {QUICK_STEPS} steps the small rate's loss falls {fall:.0%} of its row")
    return problems


CLIMB_SEEN = 0.15  # the diverging run's loss curve climbs at least this much of its row, the others fall as far


def _screen_lr_limit(screen: Screen, result: Result) -> list[str]:
    limit = 2.0 / float(np.linalg.eigvalsh(result.surface.hessian(lowest_minimum(result)))[-1])
    problems = []
    if not any(rr.run.lr > limit for rr in result.runs):
        problems.append(f"no run is above 2/λmax = {limit:g}, so none can be seen to blow up")
    row = screen.rows["loss"]
    for run, rr in enumerate(result.runs):
        rise = row_rise(row, run)
        if rr.run.lr > limit and not (rise >= CLIMB_SEEN and not screen.inside(screen.paths[run]).all()):
            problems.append(f"{rr.run.name}: its loss curve climbs {rise:.0%} of its row and its path "
                            f"{'leaves' if not screen.inside(screen.paths[run]).all() else 'stays in'} the plot")
        if rr.run.lr < limit and not rise <= -CLIMB_SEEN:
            problems.append(f"{rr.run.name}: its loss curve falls {-rise:.0%} of its row; expected {CLIMB_SEEN:.0%}")
    return problems


AHEAD_SEEN = 0.05  # the uncorrected run's head is visibly ahead of the corrected one's


@on_screen("with correction", "without correction")
def _screen_bias_correction(screen: Screen, result: Result, corrected: int, raw: int) -> list[str]:
    best = lowest_minimum(result)
    ahead = screen.apart(screen.paths[corrected][-1], best) - screen.apart(screen.paths[raw][-1], best)
    if ahead < AHEAD_SEEN:
        return [f"the uncorrected run ends {ahead:.1%} of the plot nearer the minimum; expected {AHEAD_SEEN:.0%}"]
    return []


BASINS_SEEN = 0.3  # the two minima are this far apart on screen


@on_screen("GD", "momentum 0.5", "momentum 0.9")
def _screen_local_minimum(screen: Screen, result: Result, gd: int, gentle: int, heavy: int) -> list[str]:
    surface = result.surface
    best, local = sorted(((m.x, m.y) for m in surface.minima()), key=lambda p: float(surface.value(np.array(p))))[:2]
    problems = []
    if screen.apart(best, local) < BASINS_SEEN:
        problems.append(f"the two minima are {screen.apart(best, local):.0%} of the plot apart")
    for run, target, name in ((gd, local, "local"), (gentle, local, "local"), (heavy, best, "global")):
        if (gap := screen.apart(screen.paths[run][-1], target)) > AT_POINT_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.0%} of the plot from the {name} minimum")
    return problems


# -- the gallery --------------------------------------------------------------------------------------------------

_LESSONS = (
    Lesson(
        slug="zigzag",
        query="surface=ellipse&kappa=200.0&angle=0.0&start=-4.0,0.5&steps=1000&seed=0&opt=gd(lr=0.01,label=GD)",
        seed="002_ead57720c3d8bf2d.txt",
        quote="你会发现虽然loss不再下降,但是gradient的大小并没有真的变得很小。",
        title={"en": "Stuck, with a large gradient",
               "zh-CN": "卡住了，梯度却很大",
               "zh-TW": "卡住了，梯度卻很大"},
        caption={
            "en": "GD with learning rate η = 0.01 in a valley whose steep direction has curvature 200: "
                  "η × 200 = 2, so every step jumps from one wall of the valley to the other and back. "
                  "Watch the loss curve flatten out at 25 while the gradient-norm curve stays at 100. "
                  "Training has stalled, yet the run is nowhere near a critical point.",
            "zh-CN": "在陡峭方向曲率为 200 的山谷里用学习率 η = 0.01 做 GD：η × 200 = 2，"
                     "所以每一步都从谷壁的一侧跳到另一侧，再跳回来。"
                     "注意损失曲线停在 25 不再下降，而梯度范数曲线一直保持在 100。"
                     "训练停住了，但它离临界点还很远。",
            "zh-TW": "在陡峭方向曲率為 200 的山谷裡用學習率 η = 0.01 做 GD：η × 200 = 2，"
                     "所以每一步都從谷壁的一側跳到另一側，再跳回來。"
                     "注意損失曲線停在 25 不再下降，而梯度範數曲線一直保持在 100。"
                     "訓練停住了，但它離臨界點還很遠。",
        },
        check=_check_zigzag, screen=_screen_zigzag, view=(-4.5, 0.5, -2.5, 2.5),
        curves={"loss": (1.0, 100.0), "grad_norm": (1.0, 1000.0)},
    ),
    Lesson(
        slug="tiny-lr",
        query="surface=ellipse&kappa=200.0&angle=0.0&start=-4.0,0.5&steps=100000&seed=0&opt=gd(lr=1e-07,label=GD)",
        seed="002_ead57720c3d8bf2d.txt",
        quote="但是这个训练此时永远走不到终点,因为learning rate已经太小了",
        title={"en": "Too small a step: 100,000 steps",
               "zh-CN": "学习率太小：走了十万步",
               "zh-TW": "學習率太小：走了十萬步"},
        caption={
            "en": "The same valley with η = 10⁻⁷, the rate the notes had to go down to before the bouncing "
                  "stopped. In 100,000 steps the point slides part of the way down the steep direction but "
                  "hardly moves along the flat one: it started 4.03 from the minimum and ends 3.96 away. "
                  "The loss curve keeps falling, far too slowly to matter.",
            "zh-CN": "同一个山谷，学习率降到 η = 10⁻⁷，也就是笔记里不再震荡时的学习率。"
                     "十万步里，点沿陡峭方向下滑了一段，沿平坦方向却几乎不动：出发时离最低点 4.03，"
                     "结束时还有 3.96。损失曲线一直在降，只是慢得没有意义。",
            "zh-TW": "同一個山谷，學習率降到 η = 10⁻⁷，也就是筆記裡不再震盪時的學習率。"
                     "十萬步裡，點沿陡峭方向下滑了一段，沿平坦方向卻幾乎不動：出發時離最低點 4.03，"
                     "結束時還有 3.96。損失曲線一直在降，只是慢得沒有意義。",
        },
        check=_check_tiny_lr, screen=_screen_tiny_lr, view=(-4.5, -3.5, -0.25, 0.75),
    ),
    Lesson(
        slug="adagrad-bursts",
        query="surface=ellipse&kappa=200.0&angle=0.0&start=-4.0,0.5&steps=2000&seed=0"
              "&opt=adagrad(lr=0.3,rms=true,label=Adagrad)"
              f"&opt=adagrad(lr=0.3,rms=true,schedule=inverse_sqrt,label={label('with decay')})",
        seed="002_ead57720c3d8bf2d.txt",
        quote="就发现说走着走着,突然往左右喷了一下,但是不会永远就是在那里震荡停不下来。",
        title={"en": "Adagrad bursts; decay calms it",
               "zh-CN": "Adagrad 的爆发与学习率衰减",
               "zh-TW": "Adagrad 的爆發與學習率衰減"},
        caption={
            "en": "Both runs divide η by σ, the root mean square of all past gradients, as in the notes. "
                  "Plain Adagrad reaches the bottom in about 50 steps, then again and again shoots out across "
                  "the valley and slides back: see the spikes in the loss and gradient-norm curves. "
                  "While it rests, the gradients across the valley are tiny, so σ shrinks and the step grows "
                  "until it bursts. With the decay η/√(t+1) the step cannot grow, and the run settles without "
                  "a spike.",
            "zh-CN": "两个运行都把 η 除以 σ，σ 是过去所有梯度的均方根，和笔记一样。"
                     "普通 Adagrad 大约 50 步就到了谷底，之后一次又一次地横着冲出山谷再滑回来："
                     "看损失曲线和梯度范数曲线上的尖峰。"
                     "停着的时候，横跨山谷方向的梯度很小，σ 越来越小，步子越来越大，直到爆发。"
                     "加上衰减 η/√(t+1) 后步子不会变大，运行平稳地停下，没有尖峰。",
            "zh-TW": "兩個執行都把 η 除以 σ，σ 是過去所有梯度的均方根，和筆記一樣。"
                     "普通 Adagrad 大約 50 步就到了谷底，之後一次又一次地橫著衝出山谷再滑回來："
                     "看損失曲線和梯度範數曲線上的尖峰。"
                     "停著的時候，橫跨山谷方向的梯度很小，σ 越來越小，步子越來越大，直到爆發。"
                     "加上衰減 η/√(t+1) 後步子不會變大，執行平穩地停下，沒有尖峰。",
        },
        check=_check_adagrad_bursts, screen=_screen_adagrad_bursts,
        view=(-0.75, 0.75, -0.75, 0.75), curves={"loss": (1e-6, 1e2), "grad_norm": (1e-3, 1e3)},
    ),
    Lesson(
        slug="warm-up",
        query="surface=crescent&wall=5.0&height=1.0&decay=3.0&start=0.5,0.8&steps=500&seed=0"
              f"&opt=rmsprop(lr=0.05,label={label('no warm-up')})"
              "&opt=rmsprop(lr=0.05,schedule=warmup_constant,label=warm-up)",
        seed="000_c462855194d46cda.txt",
        quote="此時如果使用比較大的學習率,很容易導致模型不穩定,甚至直接跑飛,以後比較難拉回來了。",
        title={"en": "Warm-up tames the first step",
               "zh-CN": "预热驯服第一步",
               "zh-TW": "預熱馴服第一步"},
        caption={
            "en": "RMSprop with η = 0.05 on the crescent, with and without a 50-step linear warm-up. "
                  "Without it, σ has seen only one gradient, so the first step is 10η along each axis: "
                  "the point flies up the outer wall and the loss curve spikes to about 27 times its start. "
                  "With warm-up, η starts at η/50 while σ collects gradients, and the loss never rises above "
                  "where it began.",
            "zh-CN": "在心月形曲面上用 η = 0.05 的 RMSprop，一个有 50 步线性预热，一个没有。"
                     "没有预热时 σ 只见过一个梯度，所以第一步沿每个轴都走了 10η：点飞上外侧的谷壁，"
                     "损失曲线冲到起点的约 27 倍。有预热时 η 从 η/50 开始，让 σ 先收集梯度，"
                     "损失从来没有超过起点。",
            "zh-TW": "在心月形曲面上用 η = 0.05 的 RMSprop，一個有 50 步線性預熱，一個沒有。"
                     "沒有預熱時 σ 只見過一個梯度，所以第一步沿每個軸都走了 10η：點飛上外側的谷壁，"
                     "損失曲線衝到起點的約 27 倍。有預熱時 η 從 η/50 開始，讓 σ 先收集梯度，"
                     "損失從來沒有超過起點。",
        },
        check=_check_warm_up, screen=_screen_warm_up,
    ),
    Lesson(
        slug="crescent",
        query="surface=crescent&wall=1.0&height=1.0&decay=3.0&start=0.5,0.8&steps=1000&seed=0"
              "&opt=adagrad(lr=0.01,rms=true,label=Adagrad)&opt=rmsprop(lr=0.01,alpha=0.9,label=RMSprop)",
        seed="002_ead57720c3d8bf2d.txt",
        quote="所以就算是同一个参数的同一个方向,也需要learning rate可以动态的调整。",
        title={"en": "Crescent: RMSprop adapts, Adagrad stalls",
               "zh-CN": "心月形：RMSprop 能调整，Adagrad 停滞",
               "zh-TW": "心月形：RMSprop 能調整，Adagrad 停滯"},
        caption={
            "en": "Along the floor of the crescent the slope is steep near the top of the ring and almost flat "
                  "near the minimum at the bottom. Adagrad's σ averages every gradient it has seen, so the "
                  "steep start keeps its steps small on the flat part: after 1,000 steps it is still about "
                  "0.56 from the minimum. RMSprop (α = 0.9) forgets old gradients, speeds up as the slope "
                  "fades, and arrives.",
            "zh-CN": "沿着心月形的谷底，环的上部坡度很陡，靠近底部最低点的地方几乎是平的。"
                     "Adagrad 的 σ 平均了见过的所有梯度，开始时的陡坡让它在平坦的部分步子仍然很小："
                     "走了 1000 步，离最低点还有约 0.56。RMSprop（α = 0.9）会忘掉旧的梯度，"
                     "坡度变缓时步子变大，最后到达最低点。",
            "zh-TW": "沿著心月形的谷底，環的上部坡度很陡，靠近底部最低點的地方幾乎是平的。"
                     "Adagrad 的 σ 平均了見過的所有梯度，開始時的陡坡讓它在平坦的部分步子仍然很小："
                     "走了 1000 步，離最低點還有約 0.56。RMSprop（α = 0.9）會忘掉舊的梯度，"
                     "坡度變緩時步子變大，最後到達最低點。",
        },
        check=_check_crescent, screen=_screen_crescent,
    ),
    Lesson(
        slug="saddle",
        query="surface=saddle&variant=bounded&start=1.5,1e-12&steps=450&seed=0&opt=gd(lr=0.01,label=GD)"
              f"&opt=sgd(lr=0.01,noise=0.05,label={label('noisy SGD')})&opt=momentum(lr=0.01,label=momentum)",
        seed="003_4ea0521ced52fd75.txt",
        quote="只要逃离鞍点,就有可能让损失更低。",
        title={"en": "Saddle: noise and momentum escape",
               "zh-CN": "鞍点：噪声和动量能逃出来",
               "zh-TW": "鞍點：雜訊和動量能逃出來"},
        caption={
            "en": "All three runs start 10⁻¹² off the ridge that leads to the saddle at the centre. GD slides "
                  "down the ridge and stops at the saddle: its loss curve goes flat and its gradient norm drops "
                  "to almost zero, although this is not a minimum. SGD with noisy gradients and momentum both "
                  "roll off the ridge and end in one of the minima at (0, ±1).",
            "zh-CN": "三个运行都从离山脊 10⁻¹² 的地方出发，山脊通向中间的鞍点。GD 沿山脊滑下，停在鞍点："
                     "损失曲线变平，梯度范数几乎降到零，可这里并不是最低点。"
                     "带噪声梯度的 SGD 和动量都从山脊上滚下来，停在 (0, ±1) 的一个最低点。",
            "zh-TW": "三個執行都從離山脊 10⁻¹² 的地方出發，山脊通向中間的鞍點。GD 沿山脊滑下，停在鞍點："
                     "損失曲線變平，梯度範數幾乎降到零，可這裡並不是最低點。"
                     "帶雜訊梯度的 SGD 和動量都從山脊上滾下來，停在 (0, ±1) 的一個最低點。",
        },
        check=_check_saddle, screen=_screen_saddle,
    ),
    Lesson(
        slug="pendulum",
        query="surface=ellipse&kappa=10.0&angle=0.0&start=-4.0,2.0&steps=300&seed=0"
              "&opt=momentum(lr=0.05,label=momentum)&opt=nesterov(lr=0.05,label=Nesterov)",
        seed="001_3defe583b75fe0a3.txt",
        quote="虽然动量导致比梯度下降相对更快的收敛，但是它通常超过目标并导致在最小值附近振荡。",
        title={"en": "Momentum swings, Nesterov damps",
               "zh-CN": "动量来回摆，Nesterov 减小摆动",
               "zh-TW": "動量來回擺，Nesterov 減小擺動"},
        caption={
            "en": "Momentum (μ = 0.9) and Nesterov with the same η = 0.05 on an ellipse. Momentum overshoots "
                  "the minimum across the steep direction and swings back and forth like a pendulum, about 20 "
                  "times before it settles; the loss curve rises and falls with every swing. Nesterov takes the "
                  "gradient at the look-ahead point, so its first swing is half as wide and the swinging dies "
                  "out after about three.",
            "zh-CN": "在椭圆上用同样 η = 0.05 的动量（μ = 0.9）和 Nesterov。"
                     "动量在陡峭方向上冲过最低点，像钟摆一样来回摆动约 20 次才停下，损失曲线随每次摆动起伏。"
                     "Nesterov 在前瞻点计算梯度，第一次摆动只有一半宽，大约三次后就不摆了。",
            "zh-TW": "在橢圓上用同樣 η = 0.05 的動量（μ = 0.9）和 Nesterov。"
                     "動量在陡峭方向上衝過最低點，像鐘擺一樣來回擺動約 20 次才停下，損失曲線隨每次擺動起伏。"
                     "Nesterov 在前瞻點計算梯度，第一次擺動只有一半寬，大約三次後就不擺了。",
        },
        check=_check_pendulum, screen=_screen_pendulum,
    ),
    Lesson(
        slug="second-order",
        query="surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=500&seed=0&opt=gd(lr=0.001,label=GD)"
              "&opt=momentum(lr=0.001,label=momentum)&opt=adam(lr=0.05,label=Adam)"
              "&opt=newton(lr=1.0,label=Newton)&opt=lbfgs(lr=1.0,label=L-BFGS)",
        seed="004_10a190868b46cfba.txt",
        quote="可以使用二阶导数来做优化,让算法自适应地选择要走多长的步子。",
        title={"en": "Newton and L-BFGS on Rosenbrock",
               "zh-CN": "Rosenbrock 上的 Newton 与 L-BFGS",
               "zh-TW": "Rosenbrock 上的 Newton 與 L-BFGS"},
        caption={
            "en": "Five optimizers from the same start in the curved Rosenbrock valley. Newton's method uses "
                  "the Hessian and lands on the minimum in 5 steps; L-BFGS estimates the curvature from past "
                  "gradients and arrives in under 100. After 500 steps GD is still creeping along the valley "
                  "floor, and momentum and Adam are still on their way.",
            "zh-CN": "五个优化器从同一个起点出发，走进弯曲的 Rosenbrock 山谷。"
                     "Newton 法用到黑塞矩阵，5 步就落在最低点；L-BFGS 用过去的梯度估计曲率，不到 100 步就到了。"
                     "500 步后 GD 还在谷底慢慢爬，动量和 Adam 也还在路上。",
            "zh-TW": "五個最佳化器從同一個起點出發，走進彎曲的 Rosenbrock 山谷。"
                     "Newton 法用到黑塞矩陣，5 步就落在最低點；L-BFGS 用過去的梯度估計曲率，不到 100 步就到了。"
                     "500 步後 GD 還在谷底慢慢爬，動量和 Adam 也還在路上。",
        },
        check=_check_second_order, screen=_screen_second_order,
    ),
    Lesson(
        slug="normalize-stretched",
        query="surface=ellipse&kappa=100.0&angle=0.0&start=-4.0,0.4&steps=500&seed=0"
              f"&opt=gd(lr=0.019,label={label('small lr')})&opt=gd(lr=0.5,label={label('large lr')})",
        seed="000_c462855194d46cda.txt",
        quote="如果兩個參數大小差別太大,則參數較小的那個的更新,不會對loss有太大作用,導致參數無法學習和更新。",
        title={"en": "Before normalizing: a stretched loss",
               "zh-CN": "归一化之前：被拉长的损失",
               "zh-TW": "歸一化之前：被拉長的損失"},
        caption={
            "en": "The loss ½(x² + 100y²): the feature behind y is ten times larger than the one behind x. "
                  "GD with η = 0.019 zig-zags across the steep y direction and then crawls along x, taking "
                  "about 430 steps to come within 0.001 of the minimum; η = 0.5 blows up within a few steps. "
                  "The lesson “After normalizing” runs the same two rates on the rescaled, round loss.",
            "zh-CN": "损失为 ½(x² + 100y²)：y 对应的特征比 x 对应的大十倍。"
                     "η = 0.019 的 GD 在陡峭的 y 方向来回折返，然后沿 x 方向慢慢爬，"
                     "大约 430 步才到达离最低点 0.001 以内；"
                     "η = 0.5 几步之内就发散了。课程“归一化之后”在缩放后的圆形损失上用同样两个学习率。",
            "zh-TW": "損失為 ½(x² + 100y²)：y 對應的特徵比 x 對應的大十倍。"
                     "η = 0.019 的 GD 在陡峭的 y 方向來回折返，然後沿 x 方向慢慢爬，"
                     "大約 430 步才到達離最低點 0.001 以內；"
                     "η = 0.5 幾步之內就發散了。課程「歸一化之後」在縮放後的圓形損失上用同樣兩個學習率。",
        },
        check=_check_stretched, screen=_screen_stretched,
    ),
    Lesson(
        slug="normalize-round",
        query="surface=ellipse&kappa=1.0&angle=0.0&start=-4.0,4.0&steps=500&seed=0"
              f"&opt=gd(lr=0.019,label={label('small lr')})&opt=gd(lr=0.5,label={label('large lr')})",
        seed="000_c462855194d46cda.txt",
        quote="所以需要對參數進行歸一化,將二者拉到一個水平線上。",
        title={"en": "After normalizing: a round loss",
               "zh-CN": "归一化之后：圆形的损失",
               "zh-TW": "歸一化之後：圓形的損失"},
        caption={
            "en": "The loss of “Before normalizing” after scaling y by 10: the ellipse becomes the round bowl "
                  "½(x² + y²), and the same start (−4, 0.4) now reads (−4, 4). η = 0.5 is safe here and comes "
                  "within 0.001 of the minimum in 13 steps, while η = 0.019 is no faster than before. "
                  "Normalizing pays because it allows a larger learning rate.",
            "zh-CN": "把“归一化之前”的 y 放大 10 倍后的损失：椭圆变成圆碗 ½(x² + y²)，"
                     "同一个起点 (−4, 0.4) 现在写作 (−4, 4)。这里 η = 0.5 是安全的，13 步就到达离最低点 0.001 以内，"
                     "而 η = 0.019 并不比之前快。归一化的好处在于它允许更大的学习率。",
            "zh-TW": "把「歸一化之前」的 y 放大 10 倍後的損失：橢圓變成圓碗 ½(x² + y²)，"
                     "同一個起點 (−4, 0.4) 現在寫作 (−4, 4)。這裡 η = 0.5 是安全的，13 步就到達離最低點 0.001 以內，"
                     "而 η = 0.019 並不比之前快。歸一化的好處在於它允許更大的學習率。",
        },
        check=_check_round, screen=_screen_round, curves={"loss": (1e-12, 1e2)},
    ),
    Lesson(
        slug="lr-limit",
        query="surface=ellipse&kappa=10.0&angle=30.0&start=-4.0,2.0&steps=200&seed=0"
              f"&opt=gd(lr=0.1,label={label('1/λmax')})"
              f"&opt=gd(lr=0.18,label={label('0.9 × 2/λmax')})"
              f"&opt=gd(lr=0.22,label={label('1.1 × 2/λmax')})",
        seed="001_3defe583b75fe0a3.txt",
        quote="因为我们使用的是损失函数的一阶泰勒近似，它只在θ的邻近区域有效",
        title={"en": "Learning rate against λmax",
               "zh-CN": "学习率与 λmax",
               "zh-TW": "學習率與 λmax"},
        caption={
            "en": "GD on a tilted ellipse whose Hessian has eigenvalues 1 and λmax = 10. With η = 1/λmax, the "
                  "notes' choice, and with η = 0.9 × 2/λmax the run converges; with η = 1.1 × 2/λmax each step "
                  "overshoots further than the last across the steep direction, and the run diverges and leaves "
                  "the plot. Watch its loss curve climb while the other two fall.",
            "zh-CN": "在倾斜的椭圆上做 GD，黑塞矩阵的特征值是 1 和 λmax = 10。"
                     "用 η = 1/λmax（笔记里的选择）和 η = 0.9 × 2/λmax 都会收敛；"
                     "用 η = 1.1 × 2/λmax 时，每一步在陡峭方向上都比上一步冲得更远，最后发散并离开图面。"
                     "看它的损失曲线往上爬，另外两条往下降。",
            "zh-TW": "在傾斜的橢圓上做 GD，黑塞矩陣的特徵值是 1 和 λmax = 10。"
                     "用 η = 1/λmax（筆記裡的選擇）和 η = 0.9 × 2/λmax 都會收斂；"
                     "用 η = 1.1 × 2/λmax 時，每一步在陡峭方向上都比上一步衝得更遠，最後發散並離開圖面。"
                     "看它的損失曲線往上爬，另外兩條往下降。",
        },
        check=_check_lr_limit, screen=_screen_lr_limit,
    ),
    Lesson(
        slug="bias-correction",
        query="surface=ellipse&kappa=10.0&angle=0.0&start=-4.0,4.0&steps=2000&seed=0"
              f"&opt=adam(lr=0.001,label={label('with correction')})"
              f"&opt=adam(lr=0.001,bias_correction=false,label={label('without correction')})",
        seed="001_3defe583b75fe0a3.txt",
        quote="要保持的条件是𝔼[m] = 𝔼[∇θ]",
        title={"en": "Adam with and without bias correction",
               "zh-CN": "Adam 有无偏差修正",
               "zh-TW": "Adam 有無偏差修正"},
        caption={
            "en": "Two Adam runs with β1 = 0.9, β2 = 0.999 and η = 0.001 that differ only in bias correction. "
                  "Without it, m and v both start at zero but √v starts smaller, so the first step is "
                  "(1 − β1)/√(1 − β2) ≈ 3.2 times longer, and around step 10 the steps are 6.5 times longer. "
                  "Both follow the same path; by step 1,000 they move at about the same speed, with the "
                  "uncorrected run ahead.",
            "zh-CN": "两个 Adam 运行，β1 = 0.9、β2 = 0.999、η = 0.001，唯一的差别是偏差修正。"
                     "没有修正时，m 和 v 都从零开始，但 √v 起点更小，所以第一步长 (1 − β1)/√(1 − β2) ≈ 3.2 倍，"
                     "第 10 步左右长 6.5 倍。两者走同一条路径；到第 1000 步，速度已差不多，没有修正的那个在前面。",
            "zh-TW": "兩個 Adam 執行，β1 = 0.9、β2 = 0.999、η = 0.001，唯一的差別是偏差修正。"
                     "沒有修正時，m 和 v 都從零開始，但 √v 起點更小，所以第一步長 (1 − β1)/√(1 − β2) ≈ 3.2 倍，"
                     "第 10 步左右長 6.5 倍。兩者走同一條路徑；到第 1000 步，速度已差不多，沒有修正的那個在前面。",
        },
        check=_check_bias_correction, screen=_screen_bias_correction,
    ),
    Lesson(
        slug="local-minimum",
        query="surface=double_well&tilt=0.3&start=1.8,1.5&steps=500&seed=0&opt=gd(lr=0.01,label=GD)"
              f"&opt=momentum(lr=0.01,momentum=0.5,label={label('momentum 0.5')})"
              f"&opt=momentum(lr=0.01,label={label('momentum 0.9')})",
        seed="003_4ea0521ced52fd75.txt",
        quote="如果球的动量足够大,其甚至翻过小坡继续往前走。",
        title={"en": "Local or global minimum?",
               "zh-CN": "局部最小值还是全局最小值？",
               "zh-TW": "局部最小值還是全域最小值？"},
        caption={
            "en": "A tilted double well: the left minimum is the lower, global one and the right one is a local "
                  "minimum. From the same start, GD and momentum with μ = 0.5 settle in the right basin, while "
                  "momentum with μ = 0.9 keeps enough speed to roll over the saddle into the global minimum. "
                  "Move the start to (1.5, 1) and even μ = 0.9 stays in the local basin.",
            "zh-CN": "倾斜的双井：左边的最低点更低，是全局最小值；右边的是局部最小值。"
                     "从同一个起点出发，GD 和 μ = 0.5 的动量停在右边的盆地，"
                     "μ = 0.9 的动量则保留了足够的速度，翻过鞍点进入全局最小值。"
                     "把起点移到 (1.5, 1)，连 μ = 0.9 也会留在局部的盆地里。",
            "zh-TW": "傾斜的雙井：左邊的最低點更低，是全域最小值；右邊的是局部最小值。"
                     "從同一個起點出發，GD 和 μ = 0.5 的動量停在右邊的盆地，"
                     "μ = 0.9 的動量則保留了足夠的速度，翻過鞍點進入全域最小值。"
                     "把起點移到 (1.5, 1)，連 μ = 0.9 也會留在局部的盆地裡。",
        },
        check=_check_local_minimum, screen=_screen_local_minimum,
    ),
    Lesson(
        slug="stability-edge",
        query="surface=ellipse&kappa=10.0&angle=0.0&start=-4.0,0.5&steps=200&seed=0&opt=gd(lr=0.1,label=GD)"
              "&sweep=lr:0.001:1.0:64",
        seed="001_3defe583b75fe0a3.txt",
        quote="所以∏θ必须小是一个必要条件。",
        title={"en": "The stability edge, swept",
               "zh-CN": "扫出稳定的边界",
               "zh-TW": "掃出穩定的邊界"},
        caption={
            "en": "GD on an ellipse with λmax = 10, at 64 learning rates from 0.001 to 1, 200 steps each. The "
                    "final loss falls by over twenty decades as the rate grows; past the dotted line at 2/λmax "
                    "= 0.2 every rate diverges (✕ along the top). The contour shows η = 1/λmax, the notes' choice; "
                    "click the curve to watch another rate.",
            "zh-CN": "在 λmax = 10 的椭圆上做 GD，取 0.001 到 1 之间的 64 个学习率，"
                    "每个走 200 步。学习率变大时最终损失下降了二十多个数量级；一越过 2/λmax = "
                    "0.2 的虚线，每个学习率都发散（顶端的 ✕）。等高线图显示笔记里的 η = 1/λmax；"
                    "点击曲线可以看别的学习率。",
            "zh-TW": "在 λmax = 10 的橢圓上做 GD，取 0.001 到 1 之間的 64 個學習率，"
                    "每個走 200 步。學習率變大時最終損失下降了二十多個數量級；一越過 2/λmax = "
                    "0.2 的虛線，每個學習率都發散（頂端的 ✕）。等高線圖顯示筆記裡的 η = 1/λmax；"
                    "點擊曲線可以看別的學習率。",
        },
        check=_check_stability_edge, screen=_screen_stability_edge,
    ),
    Lesson(
        slug="momentum-phase",
        query="surface=ellipse&kappa=100.0&angle=0.0&start=-4.0,0.5&steps=1000&seed=0"
              f"&opt=momentum(lr=0.028861404414300882,momentum=0.7071428571428572,label={label('heavy ball')})"
              "&sweep=lr:0.001:0.1:64&sweep=momentum:0.0:0.99:64&measure=steps_to_tolerance&tolerance=1e-06",
        seed="001_3defe583b75fe0a3.txt",
        quote='动量会导致快速收敛，即使在梯度下降需要大量时间收敛的缓坡区域也是如此。',
        title={"en": "Momentum's phase diagram",
               "zh-CN": "动量的相图",
               "zh-TW": "動量的相圖"},
        caption={
            "en": "Heavy-ball momentum on an ellipse with κ = 100; each cell is a learning rate and a μ, coloured "
                    "by the steps it takes to come within 10⁻⁶ of the minimum. The best cell (white square, 87 "
                    "steps) is about ten times faster than the best plain-GD cell in the bottom row (μ = 0, 810 "
                    "steps), and sits beside Goh's optimum (★). Grey cells diverged; the dashed line is the edge "
                    "2(1+μ)/λmax.",
            "zh-CN": "在 κ = 100 的椭圆上做重球动量；每个格子是一组学习率和 μ，颜色是到达离最低点 "
                    "10⁻⁶ 以内所需的步数。最好的格子（白色方框，87 步）比最下面一行（μ = 0，即普通 "
                    "GD）最好的格子（810 步）快大约十倍，就在 Goh 的最优点（★）旁边。灰色格子发散；"
                    "虚线是边界 2(1+μ)/λmax。",
            "zh-TW": "在 κ = 100 的橢圓上做重球動量；每個格子是一組學習率和 μ，顏色是到達離最低點 "
                    "10⁻⁶ 以內所需的步數。最好的格子（白色方框，87 步）比最下面一列（μ = 0，即普通 "
                    "GD）最好的格子（810 步）快大約十倍，就在 Goh 的最佳點（★）旁邊。灰色格子發散；"
                    "虛線是邊界 2(1+μ)/λmax。",
        },
        check=_check_momentum_phase, screen=_screen_momentum_phase,
    ),
    Lesson(
        slug="fair-race",
        query="surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=500&seed=0"
              "&opt=gd(lr=0.0017782794100389228,label=GD)&opt=momentum(lr=0.0017782794100389228,label=momentum)"
              "&opt=rmsprop(lr=0.21544346900318823,label=RMSprop)&opt=adam(lr=1.4677992676220675,label=Adam)"
              "&sweep=lr:1e-05:10.0:73",
        seed="001_3defe583b75fe0a3.txt",
        quote='亚当的一般设置为β1 = 0.9，β2 = 0.999，η = 0.01，ϵ = 1e — 6',
        title={"en": "A fair race on Rosenbrock",
               "zh-CN": "Rosenbrock 上的公平比赛",
               "zh-TW": "Rosenbrock 上的公平比賽"},
        caption={
            "en": "GD, momentum, RMSprop and Adam, each at its own best learning rate from a sweep of 73 rates, "
                    "judged by the final loss after 500 steps (each ring sits at its curve's lowest point). At "
                    "the 10⁻² grid line, one rate for all (the notes' usual setting for Adam), GD and momentum "
                    "blow up and RMSprop looks best. Tuned, Adam and momentum end over a thousand times lower "
                    "than RMSprop.",
            "zh-CN": "GD、动量、RMSprop 和 Adam 各用自己最好的学习率：扫描 73 个学习率，按 "
                    "500 步后的最终损失挑选（圆圈在每条曲线的最低点）。"
                    "在 10⁻² 那条网格线上，大家共用一个学习率（笔记里 "
                    "Adam 的一般设置），GD 和动量发散，RMSprop 看起来最好。调优之后，Adam "
                    "和动量的最终损失比 RMSprop 低一千倍以上。",
            "zh-TW": "GD、動量、RMSprop 和 Adam 各用自己最好的學習率：掃描 73 個學習率，按 "
                    "500 步後的最終損失挑選（圓圈在每條曲線的最低點）。在 10⁻² 那條格線上，大家共用一個學習率（筆記裡 "
                    "Adam 的一般設定），GD 和動量發散，RMSprop 看起來最好。調校之後，Adam "
                    "和動量的最終損失比 RMSprop 低一千倍以上。",
        },
        check=_check_fair_race, screen=_screen_fair_race,
    ),
    Lesson(
        slug="data-stretched",
        query="surface=regression&model=linear&data=offset&normalize=false&start=0.0,0.0&steps=500&seed=0"
              f"&opt=gd(lr=0.00019,label={label('safe lr')})&opt=gd(lr=0.0003,label={label('larger lr')})",
        seed="000_c462855194d46cda.txt",
        quote="如果兩個參數大小差別太大,則參數較小的那個的更新,不會對loss有太大作用,導致參數無法學習和更新。",
        title={"en": "Raw data: a long thin valley",
               "zh-CN": "原始数据：狭长的山谷",
               "zh-TW": "原始資料：狹長的山谷"},
        caption={
            "en": "A line fitted to 64 points whose feature u lies near 100: the weight w moves the loss ten "
                  "thousand times more than the bias b, and the loss is a valley about two million times longer "
                  "than wide. GD at η = 0.00019, just below 2/λmax, drops into the valley and then barely moves b: "
                  "after 500 steps it is still 3.4 from the least-squares fit ★. η = 0.0003 blows up by step 28.",
            "zh-CN": "用一条直线拟合 64 个点，特征 u 在 100 附近：权重 w 对损失的影响是偏置 b 的一万倍，"
                     "损失成了一条长度约为宽度两百万倍的山谷。η = 0.00019（刚好低于 2/λmax）的 GD "
                     "落进谷底后几乎推不动 b：500 步后离最小二乘解 ★ 还有 3.4。η = 0.0003 在第 28 步就发散了。",
            "zh-TW": "用一條直線擬合 64 個點，特徵 u 在 100 附近：權重 w 對損失的影響是偏差 b 的一萬倍，"
                     "損失成了一條長度約為寬度兩百萬倍的山谷。η = 0.00019（剛好低於 2/λmax）的 GD "
                     "落進谷底後幾乎推不動 b：500 步後離最小平方解 ★ 還有 3.4。η = 0.0003 在第 28 步就發散了。",
        },
        check=_check_data_stretched, screen=_screen_data_stretched,
    ),
    Lesson(
        slug="data-round",
        query="surface=regression&model=linear&data=offset&normalize=true&start=0.0,0.0&steps=500&seed=0"
              f"&opt=gd(lr=0.00019,label={label('safe lr')})&opt=gd(lr=0.5,label={label('large lr')})",
        seed="000_c462855194d46cda.txt",
        quote="所以需要對參數進行歸一化,將二者拉到一個水平線上。",
        title={"en": "The same data, normalized: a round bowl",
               "zh-CN": "同样的数据，归一化之后：圆碗",
               "zh-TW": "同樣的資料，歸一化之後：圓碗"},
        caption={
            "en": "The points of “Raw data” with u standardized to mean 0 and standard "
                  "deviation 1: the loss's Hessian is the identity and its level lines are circles. η = 0.5 now "
                  "comes within 0.001 of the fit in 10 steps; the old safe rate η = 0.00019 is far too timid "
                  "here. The data on the right shows each run's line at the playback step.",
            "zh-CN": "“原始数据”里的那些点，把 u 标准化为均值 0、标准差 1：损失的黑塞矩阵是单位矩阵，"
                     "等高线是圆。η = 0.5 现在 10 步就到达离拟合解 0.001 以内；原来安全的 η = 0.00019 在这里太小了。"
                     "右边的数据图显示每次运行在当前步的直线。",
            "zh-TW": "「原始資料」裡的那些點，把 u 標準化為平均 0、標準差 1：損失的黑塞矩陣是單位矩陣，"
                     "等高線是圓。η = 0.5 現在 10 步就到達離擬合解 0.001 以內；原來安全的 η = 0.00019 在這裡太小了。"
                     "右邊的資料圖顯示每次執行在目前步的直線。",
        },
        check=_check_data_round, screen=_screen_data_round,
    ),
    Lesson(
        slug="batch-size",
        query="surface=regression&model=linear&data=line&normalize=true&start=0.0,0.0&steps=300&seed=0"
              f"&opt=sgd(lr=0.1,label={label('full batch')})&opt=sgd(lr=0.1,batch=16,label={label('batch 16')})"
              f"&opt=sgd(lr=0.1,batch=1,label={label('batch 1')})",
        seed="003_4ea0521ced52fd75.txt",
        quote="大的批量更新比较稳定,小的批量的梯度的方向是比较有噪声的(noisy)。",
        title={"en": "Batch size: full batch, 16 and 1",
               "zh-CN": "批量大小：全批量、16 和 1",
               "zh-TW": "批次大小：全批次、16 和 1"},
        caption={
            "en": "The same 64 points and the same η = 0.1, three ways: every step on all 64 points, on a "
                  "shuffled mini-batch of 16, or on a single point. The full batch walks straight to the fit "
                  "and stops; batch 16 arrives as fast and then jitters about 0.002 around it, batch 1 about "
                  "0.03. The loss curves show the full-batch loss, so the noise is the batches', not the loss's.",
            "zh-CN": "同样 64 个点、同样 η = 0.1，三种做法：每步用全部 64 个点、用打乱后 16 个点的小批量、"
                     "或只用一个点。全批量直奔拟合解并停在那里；批量 16 一样快地到达，然后在它周围约 0.002 处抖动，"
                     "批量 1 约 0.03。损失曲线画的是全批量损失，所以噪声来自批量，而不是损失本身。",
            "zh-TW": "同樣 64 個點、同樣 η = 0.1，三種做法：每步用全部 64 個點、用打亂後 16 個點的小批次、"
                     "或只用一個點。全批次直奔擬合解並停在那裡；批次 16 一樣快地到達，然後在它周圍約 0.002 處抖動，"
                     "批次 1 約 0.03。損失曲線畫的是全批次損失，所以雜訊來自批次，而不是損失本身。",
        },
        check=_check_batch_size, screen=_screen_batch_size,
    ),
)

LESSONS: dict[str, Lesson] = {lesson.slug: lesson for lesson in _LESSONS}  # in gallery order

__all__ = ["LESSONS"]
