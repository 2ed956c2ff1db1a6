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
    two_lowest_minima,
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
    if len(result.surface.minima()) < 2:
        return [f"the surface has {len(result.surface.minima())} minimum; the lesson needs a local and a global one"]
    best, local = two_lowest_minima(result)
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
    best, local = two_lowest_minima(result)
    problems = []
    if screen.apart(best, local) < BASINS_SEEN:
        problems.append(f"the two minima are {screen.apart(best, local):.0%} of the plot apart")
    for run, target, name in ((gd, local, "local"), (gentle, local, "local"), (heavy, best, "global")):
        if (gap := screen.apart(screen.paths[run][-1], target)) > AT_POINT_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.0%} of the plot from the {name} minimum")
    return problems


# -- 20. the plateau: a gradient too small to move GD; momentum and Adam cross it (seed 000) ------------------------

PLAIN = 0.999  # GD's loss never falls below this: it stays on the plain
TINY_GRADIENT = 1e-3  # where the gradient norm stays throughout
CROSSED = 1e-3  # momentum and Adam end with a loss this low, in the well


@needs("GD", "momentum", "Adam")
def _check_plateau(result: Result, gd: RunResult, momentum: RunResult, adam: RunResult) -> list[str]:
    problems = []
    if gd.loss.min() < PLAIN:
        problems.append(f"GD's loss fell to {gd.loss.min():.4g}; expected it to stay above {PLAIN:g}, on the plain")
    if gd.grad_norm.max() > TINY_GRADIENT:
        problems.append(f"GD's gradient norm reached {gd.grad_norm.max():.3g}; expected under {TINY_GRADIENT:g} "
                        "throughout")
    for rr in (momentum, adam):
        if not rr.final_loss < CROSSED:
            problems.append(f"{rr.run.name} ended at loss {rr.final_loss:.3g}; expected it across the plain, "
                            f"under {CROSSED:g}")
    return problems


CRAWL_PLAIN_SEEN = 0.02  # GD's path spans less than this much of the plot
FALL_PLAIN_SEEN = 0.5  # Adam's loss curve falls at least this much of its row


@on_screen("GD", "Adam")
def _screen_plateau(screen: Screen, result: Result, gd: int, adam: int) -> list[str]:
    problems = []
    moved = screen.apart(screen.paths[gd][0], screen.paths[gd][-1])
    if moved > CRAWL_PLAIN_SEEN:
        problems.append(f"GD moves {moved:.1%} of the plot; expected under {CRAWL_PLAIN_SEEN:.0%}")
    if (gap := screen.apart(screen.paths[adam][-1], lowest_minimum(result))) > AT_POINT_SEEN:
        problems.append(f"Adam ends {gap:.0%} of the plot from the well's bottom")
    row = screen.rows["loss"]
    if not abs(row_rise(row, gd)) < FLAT_SEEN:
        problems.append(f"GD's loss curve moves {row_rise(row, gd):.0%} of its row; expected it flat")
    _, values = row.curves[adam]
    with np.errstate(divide="ignore"):  # a loss of exactly 0 lies below a log row's bottom edge
        ends = np.clip(np.nan_to_num(row.pixel(values[[0, -1]]), nan=0.0, neginf=0.0), 0, row.height)
    if not (fall := (ends[0] - ends[1]) / row.height) >= FALL_PLAIN_SEEN:
        problems.append(f"Adam's loss curve falls {fall:.0%} of its row; expected {FALL_PLAIN_SEEN:.0%}")
    return problems


# -- 21. cyclical learning rates: the peaks shake the run out of a sharp minimum (seed 001) -------------------------

IN_DIP = 0.05  # the constant rate ends this close to the sharp local minimum


@needs("constant", "cyclic")
def _check_cyclical(result: Result, constant: RunResult, cyclic: RunResult) -> list[str]:
    surface = result.surface
    if len(surface.minima()) < 2:
        return [f"the surface has {len(surface.minima())} minimum; the lesson needs a sharp local one and a wide one"]
    best, local = two_lowest_minima(result)
    problems = []
    sharp, wide = (float(np.linalg.eigvalsh(surface.hessian(p))[-1]) for p in (local, best))
    if not sharp > 2 / cyclic.lr.max() > wide:
        problems.append(f"the local minimum's curvature {sharp:.3g} and the global one's {wide:.3g} do not straddle "
                        f"2/η_max = {2 / cyclic.lr.max():.3g}: the peaks should shake only the sharp one")
    if (end := distance(constant.final_point, local)) > IN_DIP:
        problems.append(f"the constant rate ended {end:.3g} from the sharp local minimum; expected within {IN_DIP:g}")
    if (end := distance(cyclic.final_point, best)) > IN_BASIN:
        problems.append(f"the cyclic rate ended {end:.3g} from the global minimum; expected within {IN_BASIN:g}")
    return problems


PEAKS_SEEN = 2  # the cyclic run's learning-rate curve shows at least this many peaks
PEAK_HEIGHT_SEEN = 0.5  # each at least this much of the row above the troughs


@on_screen("constant", "cyclic")
def _screen_cyclical(screen: Screen, result: Result, constant: int, cyclic: int) -> list[str]:
    best, local = two_lowest_minima(result)
    problems = []
    if screen.apart(best, local) < BASINS_SEEN:
        problems.append(f"the two minima are {screen.apart(best, local):.0%} of the plot apart")
    for run, target, name in ((constant, local, "the sharp local"), (cyclic, best, "the global")):
        if (gap := screen.apart(screen.paths[run][-1], target)) > AT_POINT_SEEN:
            problems.append(f"{result.runs[run].run.name} ends {gap:.0%} of the plot from {name} minimum")
    row = screen.rows.get("lr")
    if row is None:
        return [*problems, "the learning-rate row is not drawn"]
    _, values = row.curves[cyclic]
    heights = row.pixel(values) / row.height
    peaks = np.flatnonzero((heights[1:-1] > heights[:-2]) & (heights[1:-1] >= heights[2:])) + 1
    tall = [p for p in peaks if heights[p] - np.nanmin(heights) >= PEAK_HEIGHT_SEEN]
    if len(tall) < PEAKS_SEEN:
        problems.append(f"the cyclic learning rate shows {len(tall)} peaks of {PEAK_HEIGHT_SEEN:.0%} of its row; "
                        f"expected {PEAKS_SEEN}")
    return problems


# -- 22. AdamW against Adam with L2: decoupling changes where the run ends (seed 001) -------------------------------

AT_REGULARIZED = 1e-3  # Adam + L2 ends this close to the minimum of f + λ‖θ‖²/2
NEAR_OWN = 0.1  # AdamW ends this close to f's own minimum
L2_AWAY = 1.0  # while Adam + L2 ends at least this far from it


def _regularized_minimum(surface, start, strength: float) -> np.ndarray:
    """The minimum of f + λ‖θ‖²/2 by Newton's method from `start`: the point L2 weight decay settles at."""
    theta = np.asarray(start, dtype=float)
    for _ in range(100):
        penalized = surface.hessian(theta) + strength * np.eye(2)
        step = np.linalg.solve(penalized, surface.gradient(theta) + strength * theta)
        theta = theta - step
        if np.linalg.norm(step) < 1e-15:
            break
    return theta


@needs("Adam + L2", "AdamW")
def _check_adamw(result: Result, coupled: RunResult, decoupled: RunResult) -> list[str]:
    problems = []
    strength = coupled.run.hyper["weight_decay"]
    target = _regularized_minimum(result.surface, lowest_minimum(result), strength)
    if (end := distance(coupled.final_point, target)) > AT_REGULARIZED:
        problems.append(f"Adam + L2 ended {end:.3g} from the minimum of f + λ‖θ‖²/2 at {np.round(target, 3)}; "
                        f"expected within {AT_REGULARIZED:g}")
    own = lowest_minimum(result)
    if (end := distance(decoupled.final_point, own)) > NEAR_OWN:
        problems.append(f"AdamW ended {end:.3g} from f's minimum; expected within {NEAR_OWN:g}")
    if (apart := distance(coupled.final_point, own)) < L2_AWAY:
        problems.append(f"Adam + L2 ended {apart:.3g} from f's minimum; expected at least {L2_AWAY:g} away")
    return problems


@on_screen("Adam + L2", "AdamW")
def _screen_adamw(screen: Screen, result: Result, coupled: int, decoupled: int) -> list[str]:
    own = lowest_minimum(result)
    problems = []
    if (gap := screen.apart(screen.paths[coupled][-1], own)) < BASINS_SEEN:
        problems.append(f"Adam + L2 ends {gap:.0%} of the plot from the star; expected at least {BASINS_SEEN:.0%}")
    if (gap := screen.apart(screen.paths[decoupled][-1], own)) > ARRIVED_SEEN:
        problems.append(f"AdamW ends {gap:.0%} of the plot from the star; expected within {ARRIVED_SEEN:.0%}")
    return problems


# -- 23. LAMB's trust ratio: every step is η‖θ‖ long (seed 001) ----------------------------------------------------

RATIO_EXACT = 1e-9  # LAMB's step over ‖θ‖ equals η this closely
LONGER_FIRST = 2.0  # LAMB's first step, from far out, is at least this many times Adam's


@needs("Adam", "LAMB")
def _check_lamb(result: Result, adam: RunResult, lamb: RunResult) -> list[str]:
    problems = []
    points = lamb.points
    sizes = np.linalg.norm(points[:-1], axis=1)
    moving = sizes > 1e-6  # where θ is 0 the ratio is 1 by definition
    ratios = _step_lengths(lamb)[moving] / sizes[moving] / lamb.run.lr
    if not np.all(np.abs(ratios - 1) < RATIO_EXACT):
        worst = float(np.max(np.abs(ratios - 1)))
        problems.append(f"LAMB's step differs from η‖θ‖ by up to {worst:.3g} of it; expected under {RATIO_EXACT:g}")
    first = _step_lengths(lamb)[0] / _step_lengths(adam)[0]
    if first < LONGER_FIRST:
        problems.append(f"LAMB's first step is {first:.3g}× Adam's; from ‖θ‖ = {sizes[0]:.3g} expected at least "
                        f"{LONGER_FIRST:g}×")
    return problems


@on_screen("Adam", "LAMB")
def _screen_lamb(screen: Screen, result: Result, adam: int, lamb: int) -> list[str]:
    problems = []
    adam_first = screen.apart(screen.paths[adam][0], screen.paths[adam][1])
    lamb_first = screen.apart(screen.paths[lamb][0], screen.paths[lamb][1])
    if not lamb_first >= LONGER_FIRST * adam_first or lamb_first < 0.02:
        problems.append(f"LAMB's first step spans {lamb_first:.1%} of the plot and Adam's {adam_first:.1%}; expected "
                        f"LAMB's visibly longer, at least {LONGER_FIRST:g}×")
    if (gap := screen.apart(screen.paths[lamb][-1], lowest_minimum(result))) > LANDED_SEEN:
        problems.append(f"LAMB ends {gap:.1%} of the plot from the minimum")
    return problems


# -- 24. RAdam's rectified start against Adam with and without warm-up (seed 002) -----------------------------------

EARLY_RISE = 5.0  # without warm-up, Adam's loss rises at least this many times its start in the first EARLY steps
CALM_RISE = 2.0  # with warm-up, and RAdam, it stays under this many times


@needs("Adam", "Adam + warm-up", "RAdam")
def _check_radam(result: Result, adam: RunResult, warm: RunResult, radam: RunResult) -> list[str]:
    problems = []
    rises = {rr.run.name: float(rr.loss[:EARLY + 1].max() / rr.loss[0]) for rr in (adam, warm, radam)}
    if rises["Adam"] < EARLY_RISE:
        problems.append(f"without warm-up Adam's loss rose only {rises['Adam']:.3g}× in the first {EARLY} steps; "
                        f"expected at least {EARLY_RISE:g}×")
    for name in ("Adam + warm-up", "RAdam"):
        if rises[name] > CALM_RISE:
            problems.append(f"{name}'s loss rose {rises[name]:.3g}× in the first {EARLY} steps; expected under "
                            f"{CALM_RISE:g}×")
    return problems


KNOCKED_SEEN = 20.0  # in the first steps Adam's drawn loss peaks at least this many times higher than the others'


@on_screen("Adam", "Adam + warm-up", "RAdam")
def _screen_radam(screen: Screen, result: Result, adam: int, warm: int, radam: int) -> list[str]:
    row = screen.rows["loss"]
    peaks = {}
    for run in (adam, warm, radam):
        steps, values = row.curves[run]
        peaks[run] = float(np.nanmax(values[steps <= EARLY]))
    problems = []
    if not row.visible(peaks[adam]):
        problems.append(f"Adam's early peak ({peaks[adam]:.3g}) is off the loss row")
    if not peaks[adam] >= KNOCKED_SEEN * max(peaks[warm], peaks[radam]):
        problems.append(f"in the first {EARLY} steps the drawn loss peaks at {peaks[adam]:.3g} (Adam), "
                        f"{peaks[warm]:.3g} (warm-up) and {peaks[radam]:.3g} (RAdam); expected Adam's "
                        f"{KNOCKED_SEEN:g}× the others'")
    return problems


# -- 25. numeric against analytic gradients: the gradient check (seed 004) ------------------------------------------

CENTRAL_GOOD = 1e-7  # the central difference agrees with the analytic gradient this closely (relative)
FORWARD_WORSE = 100.0  # the forward difference is at least this many times further off


@needs("GD")
def _check_gradient_check(result: Result, gd: RunResult) -> list[str]:
    from experiments.inspect import gradient_check

    found = gradient_check(result.surface, gd.points)
    central, forward = np.asarray(found.central_error), np.asarray(found.forward_error)
    problems = []
    if not np.nanmax(central) < CENTRAL_GOOD:
        problems.append(f"the central difference is off by up to {np.nanmax(central):.3g} (relative); expected under "
                        f"{CENTRAL_GOOD:g} all along the path")
    ratio = np.nanmedian(forward / np.maximum(central, 1e-300))
    if not ratio >= FORWARD_WORSE:
        problems.append(f"the forward difference is typically {ratio:.3g}× further off than the central one; expected "
                        f"at least {FORWARD_WORSE:g}×")
    return problems


def _screen_gradient_check(screen: Screen, result: Result) -> list[str]:
    from experiments.inspect import gradient_check

    shown = screen.gradient_check
    if shown is None:
        return ["the step inspector's gradient check is not on screen"]
    if not shown.get("seen", False):
        return ["the gradient check's rows are cut off: not all three can be seen"]
    point = result.runs[0].points[shown["step"]]
    found = gradient_check(result.surface, point)
    problems = []
    for key in ("analytic", "central", "forward"):
        want = np.asarray(getattr(found, key), dtype=float).reshape(-1)
        got = np.asarray(shown[key], dtype=float)
        if not np.allclose(got, want, rtol=1e-12, atol=0):
            problems.append(f"the {key} gradient shown is {got}, computed {want}")
    central, forward = shown["central_error"], shown["forward_error"]
    if not central < CENTRAL_GOOD or not forward >= FORWARD_WORSE * central:
        problems.append(f"the relative errors shown are {shown['central_error']:.3g} (central) and "
                        f"{shown['forward_error']:.3g} (forward)")
    return problems


# -- 26. GD minimizes the first-order Taylor model within a radius (seed 000) ---------------------------------------

MODEL_STEP = 1e-12  # each GD step is the model's minimizer in its ball, to rounding (relative to the radius)
MODEL_TRUE = 0.9  # a small step gets at least this fraction of the decrease the model predicts, every step
MODEL_WRONG = 0.5  # a large one gets at most this much of it on its first step


def _model_decrease(rr: RunResult, surface) -> tuple[np.ndarray, np.ndarray]:
    """Per step: the decrease the first-order model predicts, −∇f·Δθ, and the one f makes."""
    gradient = surface.gradient(rr.points[:-1])
    moves = np.diff(rr.points, axis=0)
    return -np.einsum("ij,ij->i", gradient, moves), rr.loss[:-1] - rr.loss[1:]


@needs("small step", "large step")
def _check_taylor(result: Result, small: RunResult, large: RunResult) -> list[str]:
    surface = result.surface
    problems = []
    for rr in (small, large):
        gradient = surface.gradient(rr.points[:-1])
        moves = np.diff(rr.points, axis=0)
        radius = np.linalg.norm(moves, axis=1)
        minimizer = -radius[:, None] * gradient / np.linalg.norm(gradient, axis=1)[:, None]
        off = np.max(np.linalg.norm(moves - minimizer, axis=1) / radius)
        if not off < MODEL_STEP:
            problems.append(f"{rr.run.name}'s steps are up to {off:.3g} of their length from the model's minimizer "
                            "in the ball")
    predicted, actual = _model_decrease(small, surface)
    if not np.min(actual / predicted) >= MODEL_TRUE:
        problems.append(f"the small step got {np.min(actual / predicted):.0%} of the decrease the model predicts at "
                        f"worst; expected at least {MODEL_TRUE:.0%}")
    predicted, actual = _model_decrease(large, surface)
    if not actual[0] / predicted[0] <= MODEL_WRONG:
        problems.append(f"the large step's first move got {actual[0] / predicted[0]:.0%} of the predicted decrease; "
                        f"expected at most {MODEL_WRONG:.0%}")
    return problems


GEOMETRY_SEEN = 0.01  # the drawn ball, level lines and minimizer are where the step's numbers put them (of r)


def _drawn_model(screen: Screen, result: Result, run: int) -> tuple[list[str], float]:
    """Check one run's drawn first-order model against its step; give the problems and the fraction of the
    model's promised decrease that f makes at the drawn minimizer."""
    marks = {mark["kind"]: mark for mark in screen.overlay if mark["kind"].startswith("taylor") and mark["run"] == run}
    rr = result.runs[run]
    missing = {"taylor-radius", "taylor-level", "taylor-level-lowest", "taylor-minimizer"} - set(marks)
    if missing:
        return [f"{rr.run.name}: the model's {', '.join(sorted(missing))} is not drawn"], float("nan")
    circle = marks["taylor-radius"]["points"]
    at = int(np.argmin(distance(rr.points[:-1], circle[:-1].mean(axis=0))))  # the step it is drawn at
    theta, gradient = rr.points[at], result.surface.gradient(rr.points[at])
    radius = float(np.linalg.norm(rr.points[at + 1] - theta))
    problems = []
    drawn = distance(circle, theta)
    if not np.all(np.abs(drawn / radius - 1) < GEOMETRY_SEEN):
        problems.append(f"{rr.run.name}: the ball's drawn radius runs {drawn.min():.4g} … {drawn.max():.4g}; the step "
                        f"is {radius:.4g}")
    lowest = marks["taylor-minimizer"]["points"][0]
    if distance(lowest, rr.points[at + 1]) > GEOMETRY_SEEN * radius:
        problems.append(f"{rr.run.name}: the model's minimizer is not drawn where the GD step ends")
    unit = gradient / np.linalg.norm(gradient)
    for kind, through in (("taylor-level", theta), ("taylor-level-lowest", rr.points[at + 1])):
        a, b = marks[kind]["points"][[0, -1]]
        direction = (b - a) / np.linalg.norm(b - a)
        if abs(direction @ unit) > GEOMETRY_SEEN or abs((through - a) @ unit) > GEOMETRY_SEEN * radius:
            problems.append(f"{rr.run.name}: the {kind.removeprefix('taylor-')} line is not the model's level line "
                            f"through {np.round(through, 3)}")
    promised = radius * float(np.linalg.norm(gradient))
    made = float(result.surface.value(theta) - result.surface.value(lowest))
    return problems, made / promised


@on_screen("small step", "large step")
def _screen_taylor(screen: Screen, result: Result, small: int, large: int) -> list[str]:
    problems, small_share = _drawn_model(screen, result, small)
    large_problems, large_share = _drawn_model(screen, result, large)
    problems += large_problems
    if not small_share >= MODEL_TRUE:
        problems.append(f"at the small step's ringed point f fell {small_share:.0%} of what the model promised; "
                        f"expected {MODEL_TRUE:.0%}")
    if not large_share <= MODEL_WRONG:
        problems.append(f"at the large step's ringed point f fell {large_share:.0%} of what the model promised; "
                        f"expected at most {MODEL_WRONG:.0%}")
    circles = [mark["points"] for mark in screen.overlay if mark["kind"] == "taylor-radius" and mark["run"] == small]
    if circles and extent(screen, circles[0], 0) < 0.05:
        problems.append("the small step's ball is too small to see")
    return problems


# -- 27. momentum's two forms are one walk: v = ηb (seeds 001 and 004) ----------------------------------------------

SAME_WALK = 1e-12  # the two forms' paths agree this closely, relative to the distance travelled
PAIRS = (("torch b", "notes v"), ("Nesterov b", "Nesterov v"))  # torch's form, then the notes'


@needs(*(name for pair in PAIRS for name in pair))
def _check_momentum_forms(result: Result, *runs: RunResult) -> list[str]:
    problems = []
    scale = distance(runs[0].points[0], lowest_minimum(result))
    for torch_form, notes_form in (runs[:2], runs[2:]):
        apart = float(np.max(distance(torch_form.points, notes_form.points))) / scale
        if not apart < SAME_WALK:
            problems.append(f"{torch_form.run.name} and {notes_form.run.name} part by up to {apart:.3g} of the start's "
                            f"distance; expected the same walk, within {SAME_WALK:g}")
        velocity, buffer = notes_form.internals["velocity"], torch_form.internals["momentum_buffer"]
        worst = float(np.max(np.abs(velocity - torch_form.run.lr * buffer)) / np.max(np.abs(velocity)))
        if not worst < SAME_WALK * 100:
            problems.append(f"{notes_form.run.name}'s v and {torch_form.run.name}'s ηb differ by up to {worst:.3g} of "
                            "|v|; expected v = ηb to rounding")
    return problems


SAME_PIXEL = 0.5  # the two forms' drawn paths are within half a pixel of each other
PAIRS_APART_SEEN = 0.02  # while heavy ball and Nesterov part by at least this much of the plot


@on_screen(*(name for pair in PAIRS for name in pair))
def _screen_momentum_forms(screen: Screen, result: Result, *runs: int) -> list[str]:
    problems = []
    for torch_form, notes_form in (runs[:2], runs[2:]):
        a, b = screen.pixels(screen.paths[torch_form]), screen.pixels(screen.paths[notes_form])
        if a.shape != b.shape or np.max(np.hypot(*(a - b).T)) > SAME_PIXEL:
            problems.append(f"{result.runs[torch_form].run.name} and {result.runs[notes_form].run.name} are drawn "
                            "apart")
    heavy, nesterov = screen.paths[runs[0]], screen.paths[runs[2]]
    steps = min(len(heavy), len(nesterov))
    offsets = screen.pixels(heavy[:steps]) - screen.pixels(nesterov[:steps])
    if np.max(np.hypot(offsets[:, 0], offsets[:, 1])) / screen.width < PAIRS_APART_SEEN:
        problems.append("heavy ball and Nesterov are drawn on one path; the lesson needs two walks")
    if extent(screen, heavy, 0) < 0.3:
        problems.append("the walk spans too little of the plot to be seen")
    return problems


# -- 28. the Hessian tells a saddle from a minimum (seed 003) ------------------------------------------------------

STOPPED = 1e-6  # both runs end with a gradient norm this small: a critical point each


@needs("GD", "momentum")
def _check_hessian(result: Result, gd: RunResult, momentum: RunResult) -> list[str]:
    surface = result.surface
    problems = []
    kinds = []
    for rr in (gd, momentum):
        if not rr.grad_norm[-1] < STOPPED:
            problems.append(f"{rr.run.name} ended with gradient norm {rr.grad_norm[-1]:.3g}; expected under "
                            f"{STOPPED:g}")
        low, high = np.linalg.eigvalsh(surface.hessian(rr.final_point))
        kinds.append("saddle" if low < 0 < high else "minimum" if low > 0 else "other")
    if kinds != ["saddle", "minimum"]:
        problems.append(f"the Hessian at GD's end says {kinds[0]} and at momentum's {kinds[1]}; expected a saddle "
                        "and a minimum")
    return problems


@on_screen("GD", "momentum")
def _screen_hessian(screen: Screen, result: Result, gd: int, momentum: int) -> list[str]:
    problems = []
    for run, wanted in ((gd, "saddle"), (momentum, "minimum")):
        arms = [mark for mark in screen.overlay if mark["kind"].startswith("curvature") and mark["run"] == run]
        name = result.runs[run].run.name
        if len(arms) != 2:
            problems.append(f"{name}'s curvature cross is not drawn ({len(arms)} arms)")
            continue
        signs = sorted(np.sign(mark["value"]) for mark in arms)
        if (signs == [-1, 1]) != (wanted == "saddle") or (wanted == "minimum" and signs != [1, 1]):
            problems.append(f"{name}'s cross has arms of signs {signs}; expected a {wanted}")
        centre = np.mean([mark["points"].mean(axis=0) for mark in arms], axis=0)
        if screen.apart(centre, screen.paths[run][-1]) > AT_POINT_SEEN:
            problems.append(f"{name}'s cross is not at its end")
    row = screen.rows["grad_norm"]
    for run in (gd, momentum):
        if not -row_rise(row, run) >= 0.5:
            problems.append(f"{result.runs[run].run.name}'s gradient-norm curve falls {-row_rise(row, run):.0%} of its "
                            "row; expected it to fall at least half")
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
        summary={"en": "GD bounces across a valley: the loss stalls, the gradient stays large",
                 "zh-CN": "GD 在山谷两壁间来回跳：损失停滞，梯度依然很大",
                 "zh-TW": "GD 在山谷兩壁間來回跳：損失停滯，梯度依然很大"},
        topics=('002: "training stuck ≠ small gradient": loss plateaus while the gradient norm stays large (loss '
                "curve and gradient-norm curve side by side)",
                "002: the convex elongated ellipse where lr = 1e-2 oscillates and lr = 1e-7 never arrives in 100,000 "
                "steps",
                "001: zig-zag of GD in an ellipsoidal valley",
                "004: SGD problems: high condition number, local minima, saddles, noise"),
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
        summary={"en": "A tiny learning rate barely moves in 100,000 steps",
                 "zh-CN": "学习率太小，十万步后几乎还在原地",
                 "zh-TW": "學習率太小，十萬步後幾乎還在原地"},
        topics=("002: the convex elongated ellipse where lr = 1e-2 oscillates and lr = 1e-7 never arrives in "
                "100,000 steps",),
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
        summary={"en": "Adagrad bursts sideways again and again; η/√(t+1) decay calms it",
                 "zh-CN": "Adagrad 一次次横向爆发；η/√(t+1) 衰减让它平稳",
                 "zh-TW": "Adagrad 一次次橫向爆發；η/√(t+1) 衰減讓它平穩"},
        topics=("002: Adagrad (σ = RMS of all past gradients) reaching far but then bursting sideways",
                "002: learning-rate decay and warm-up fixing the bursts",
                "000: learning-rate decay η/√(t+1)",
                "000: Adagrad-style decay by accumulated gradients",
                "001: Adagrad",
                "004: AdaGrad"),
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
        summary={"en": "Without warm-up RMSprop's first step flies off; with it, no spike",
                 "zh-CN": "没有预热时 RMSprop 第一步就飞出去；有预热则没有尖峰",
                 "zh-TW": "沒有預熱時 RMSprop 第一步就飛出去；有預熱則沒有尖峰"},
        topics=("000: warm-up",
                "002: learning-rate decay and warm-up fixing the bursts"),
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
        summary={"en": "On the crescent RMSprop speeds up as the slope fades; Adagrad stalls",
                 "zh-CN": "在心月形上坡度变缓时 RMSprop 加速，Adagrad 停滞",
                 "zh-TW": "在心月形上坡度變緩時 RMSprop 加速，Adagrad 停滯"},
        topics=("002: the crescent-moon (心月形) surface where one direction needs different learning rates over time, "
                "which RMSProp handles",
                "000: Adagrad-style decay by accumulated gradients",
                "001: Adagrad",
                "001: RMSprop (β = 0.9/0.95)",
                "004: AdaGrad",
                '004: RMSProp ("leaky Adagrad")'),
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
        summary={"en": "GD stops at a saddle; noisy SGD and momentum roll off to a minimum",
                 "zh-CN": "GD 停在鞍点；带噪声的 SGD 和动量滚向最低点",
                 "zh-TW": "GD 停在鞍點；帶雜訊的 SGD 和動量滾向最低點"},
        topics=("000: getting stuck at local minima, saddles and plateaus",
                "000: momentum",
                "000: gradient noise",
                "003: batch vs mini-batch gradient descent and why noise helps escape saddles",
                "003: momentum carrying the ball past a saddle or over a small hill",
                "004: SGD problems: high condition number, local minima, saddles, noise"),
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
        summary={"en": "Momentum swings like a pendulum; Nesterov's look-ahead damps it",
                 "zh-CN": "动量像钟摆一样来回摆；Nesterov 的前瞻让摆动变小",
                 "zh-TW": "動量像鐘擺一樣來回擺；Nesterov 的前瞻讓擺動變小"},
        topics=("001: momentum (γ, η form) overshooting like a pendulum",
                "001: Nesterov look-ahead"),
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
        summary={"en": "Newton and L-BFGS reach Rosenbrock's minimum; first-order runs crawl",
                 "zh-CN": "Newton 与 L-BFGS 很快到达 Rosenbrock 的最低点，一阶方法还在爬",
                 "zh-TW": "Newton 與 L-BFGS 很快到達 Rosenbrock 的最低點，一階方法還在爬"},
        topics=("004: second-order methods: Newton's step with the Hessian, L-BFGS",),
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
        summary={"en": "A stretched loss: GD zig-zags and crawls, a large rate blows up",
                 "zh-CN": "被拉长的损失：GD 来回折返又慢慢爬，大学习率发散",
                 "zh-TW": "被拉長的損失：GD 來回折返又慢慢爬，大學習率發散"},
        topics=("000: feature normalization turning a stretched loss into a round one",
                "001: zig-zag of GD in an ellipsoidal valley"),
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
        summary={"en": "Rescaled to a round bowl, a large rate arrives in 13 steps",
                 "zh-CN": "缩放成圆碗后，大学习率 13 步就到达",
                 "zh-TW": "縮放成圓碗後，大學習率 13 步就到達"},
        topics=("000: feature normalization turning a stretched loss into a round one",),
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
        summary={"en": "GD converges below 2/λmax and diverges just above it",
                 "zh-CN": "学习率低于 2/λmax 时 GD 收敛，略高于它就发散",
                 "zh-TW": "學習率低於 2/λmax 時 GD 收斂，略高於它就發散"},
        topics=("001: lr = 1/β with β the Hessian's largest eigenvalue",),
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
        summary={"en": "Without bias correction Adam's first steps are several times longer",
                 "zh-CN": "没有偏差修正时，Adam 最初几步长了好几倍",
                 "zh-TW": "沒有偏差修正時，Adam 最初幾步長了好幾倍"},
        topics=("001: Adam with and without bias correction (β1 = 0.9, β2 = 0.999)",
                "002: Adam",
                "004: Adam (β1 = 0.9, β2 = 0.999, lr = 1e-3)"),
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
        summary={"en": "GD stays in the local minimum; μ = 0.9 rolls over to the global one",
                 "zh-CN": "GD 停在局部最小值；μ = 0.9 的动量翻过去到达全局最小值",
                 "zh-TW": "GD 停在局部最小值；μ = 0.9 的動量翻過去到達全域最小值"},
        topics=("000: getting stuck at local minima, saddles and plateaus",
                "000: momentum",
                "003: momentum carrying the ball past a saddle or over a small hill",
                "004: SGD problems: high condition number, local minima, saddles, noise"),
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
        summary={"en": "64 learning rates swept: every rate past 2/λmax diverges",
                 "zh-CN": "扫描 64 个学习率：超过 2/λmax 的全部发散",
                 "zh-TW": "掃描 64 個學習率：超過 2/λmax 的全部發散"},
        topics=("001: lr = 1/β with β the Hessian's largest eigenvalue",),
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
        summary={"en": "Learning rate × momentum: the best cell is ten times faster than GD",
                 "zh-CN": "学习率 × 动量：最好的格子比 GD 快约十倍",
                 "zh-TW": "學習率 × 動量：最好的格子比 GD 快約十倍"},
        topics=("000: momentum",),
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
        summary={"en": "Each optimizer at its own best rate: tuned, Adam and momentum win",
                 "zh-CN": "每个优化器用自己最好的学习率：调优后 Adam 和动量胜出",
                 "zh-TW": "每個最佳化器用自己最好的學習率：調校後 Adam 和動量勝出"},
        topics=("002: Adam",),
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
        summary={"en": "Unnormalized data make a long thin valley: GD barely moves the bias",
                 "zh-CN": "未归一化的数据形成狭长山谷：GD 几乎推不动偏置",
                 "zh-TW": "未歸一化的資料形成狹長山谷：GD 幾乎推不動偏差"},
        topics=("000: feature normalization turning a stretched loss into a round one",),
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
        summary={"en": "The same data standardized: a round bowl, reached in 10 steps",
                 "zh-CN": "同样的数据标准化后成了圆碗，10 步就到达",
                 "zh-TW": "同樣的資料標準化後成了圓碗，10 步就到達"},
        topics=("000: feature normalization turning a stretched loss into a round one",),
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
        summary={"en": "Full batch stops at the fit; smaller batches jitter around it",
                 "zh-CN": "全批量停在拟合解上；批量越小，在周围抖动越大",
                 "zh-TW": "全批次停在擬合解上；批次越小，在周圍抖動越大"},
        topics=("000: mini-batch SGD",
                "003: batch vs mini-batch gradient descent and why noise helps escape saddles",
                "000: gradient noise",
                "004: SGD problems: high condition number, local minima, saddles, noise"),
        check=_check_batch_size, screen=_screen_batch_size,
    ),
    Lesson(
        slug="plateau",
        query="surface=plateau&width=1.0&start=3.5,3.0&steps=400&seed=0&opt=gd(lr=1.0,label=GD)"
              "&opt=momentum(lr=1.0,label=momentum)&opt=adam(lr=0.05,label=Adam)",
        seed="000_c462855194d46cda.txt",
        quote="導致參數無法更新,或者更新很慢。這是一個很致命的問題。",
        title={"en": "The plateau: too small a gradient",
               "zh-CN": "高原：梯度小到走不动",
               "zh-TW": "高原：梯度小到走不動"},
        caption={
            "en": "A narrow well in a wide, almost flat plain, the notes' third place where the gradient nearly "
                  "vanishes. From (3.5, 3) the gradient is about 10⁻⁴: GD with η = 1 moves 0.05 in 400 steps and its "
                  "loss curve stays flat at 1. Momentum adds the small gradients up until it rolls into the well, and "
                  "Adam, which divides by the gradient's own size, walks straight in.",
            "zh-CN": "宽阔几乎平坦的平原中间有一口窄井，这是笔记里梯度几乎为零的第三种地方。"
                     "从 (3.5, 3) 出发梯度约为 10⁻⁴：η = 1 的 GD 在 400 步里只移动了 0.05，损失曲线一直平在 1。"
                     "动量把这些小梯度累加起来，最后滚进井里；Adam 除以梯度自身的大小，直接走了进去。",
            "zh-TW": "寬闊幾乎平坦的平原中間有一口窄井，這是筆記裡梯度幾乎為零的第三種地方。"
                     "從 (3.5, 3) 出發梯度約為 10⁻⁴：η = 1 的 GD 在 400 步裡只移動了 0.05，損失曲線一直平在 1。"
                     "動量把這些小梯度累加起來，最後滾進井裡；Adam 除以梯度自身的大小，直接走了進去。",
        },
        summary={"en": "On a flat plain GD crawls; momentum and Adam cross it",
                 "zh-CN": "在平坦的高原上 GD 寸步难行，动量和 Adam 走了过去",
                 "zh-TW": "在平坦的高原上 GD 寸步難行，動量和 Adam 走了過去"},
        topics=("000: getting stuck at local minima, saddles and plateaus", "000: momentum"),
        check=_check_plateau, screen=_screen_plateau,
    ),
    Lesson(
        slug="cyclical-lr",
        query="surface=formula&f=0.1*(x-2)%5E2-0.5*exp(-(x%2B1)%5E2%2F0.045)%2By%5E2&box=-2.0,3.0,-2.0,2.0"
              "&start=-1.2,1.5&steps=600&seed=0&opt=gd(lr=0.01,label=constant)"
              "&opt=gd(lr=0.01,schedule=cyclic,max_lr=0.2,label=cyclic)",
        seed="001_3defe583b75fe0a3.txt",
        quote="循环学习率",
        title={"en": "Cyclical learning rates",
               "zh-CN": "循环学习率",
               "zh-TW": "循環學習率"},
        caption={
            "en": "A wide bowl around (2, 0) with a narrow dip at x = −1, a sharp local minimum whose curvature is "
                  "about 21. GD at a constant η = 0.01 falls into the dip and stays. The cyclic rate climbs from 0.01 "
                  "to 0.2 and back every 200 steps (the lr row): above 2/21 ≈ 0.095 the dip's bottom is unstable, "
                  "the run is thrown out, and the wide minimum, stable up to η = 1, keeps it.",
            "zh-CN": "(2, 0) 周围是一个宽碗，x = −1 处有一个窄坑：一个曲率约 21 的尖锐局部最小值。"
                     "固定 η = 0.01 的 GD 掉进坑里就不再出来。循环学习率每 200 步从 0.01 升到 0.2 再降回来（见学习率"
                     "那一行）："
                     "超过 2/21 ≈ 0.095 时坑底不再稳定，运行被甩出去，而宽的最小值在 η = 1 以下都稳定，把它留住了。",
            "zh-TW": "(2, 0) 周圍是一個寬碗，x = −1 處有一個窄坑：一個曲率約 21 的尖銳局部最小值。"
                     "固定 η = 0.01 的 GD 掉進坑裡就不再出來。循環學習率每 200 步從 0.01 升到 0.2 再降回來（見學習率"
                     "那一列）："
                     "超過 2/21 ≈ 0.095 時坑底不再穩定，執行被甩出去，而寬的最小值在 η = 1 以下都穩定，把它留住了。",
        },
        summary={"en": "A cyclic rate's peaks throw the run out of a sharp minimum",
                 "zh-CN": "循环学习率的峰值把运行甩出尖锐的最小值",
                 "zh-TW": "循環學習率的峰值把執行甩出尖銳的最小值"},
        topics=("001: cyclical learning rates, AdamW, LAMB",),
        check=_check_cyclical, screen=_screen_cyclical,
    ),
    Lesson(
        slug="adamw",
        query="surface=formula&f=(x-1)%5E2%2B0.01*(y-2)%5E2&box=-1.0,3.0,-1.0,3.0&start=0.0,0.0&steps=2000&seed=0"
              f"&opt=adam(lr=0.01,weight_decay=0.1,label={label('Adam + L2')})"
              "&opt=adamw(lr=0.01,weight_decay=0.1,label=AdamW)",
        seed="001_3defe583b75fe0a3.txt",
        quote="亚当·W(解耦重量衰减)",
        title={"en": "AdamW against Adam with L2",
               "zh-CN": "AdamW 与带 L2 的 Adam",
               "zh-TW": "AdamW 與帶 L2 的 Adam"},
        caption={
            "en": "f = (x − 1)² + 0.01(y − 2)², steep in x and very flat in y, with the same decay λ = 0.1 two ways. "
                  "Adam + L2 adds λθ to the gradient, so it settles where ∇f + λθ = 0, the minimum of f + λ‖θ‖²/2 at "
                  "(0.95, 0.33): along the flat y the penalty wins. AdamW shrinks θ by ηλ outside Adam's normalized "
                  "step, and ends beside f's own minimum ★ at (0.99, 1.95).",
            "zh-CN": "f = (x − 1)² + 0.01(y − 2)²，x 方向陡，y 方向非常平；同样的衰减 λ = 0.1，两种用法。"
                     "Adam + L2 把 λθ 加进梯度，所以停在 ∇f + λθ = 0 处，也就是 f + λ‖θ‖²/2 的最小值 (0.95, 0.33)："
                     "沿平坦的 y 方向，惩罚项占了上风。AdamW 在 Adam 归一化的步子之外把 θ 缩小 ηλ，"
                     "最后停在 f 自己的最小值 ★ 旁边 (0.99, 1.95)。",
            "zh-TW": "f = (x − 1)² + 0.01(y − 2)²，x 方向陡，y 方向非常平；同樣的衰減 λ = 0.1，兩種用法。"
                     "Adam + L2 把 λθ 加進梯度，所以停在 ∇f + λθ = 0 處，也就是 f + λ‖θ‖²/2 的最小值 (0.95, 0.33)："
                     "沿平坦的 y 方向，懲罰項佔了上風。AdamW 在 Adam 歸一化的步子之外把 θ 縮小 ηλ，"
                     "最後停在 f 自己的最小值 ★ 旁邊 (0.99, 1.95)。",
        },
        summary={"en": "Decoupled weight decay ends elsewhere than L2 in the gradient",
                 "zh-CN": "解耦的权重衰减与梯度里的 L2 停在不同的地方",
                 "zh-TW": "解耦的權重衰減與梯度裡的 L2 停在不同的地方"},
        topics=("001: cyclical learning rates, AdamW, LAMB",),
        check=_check_adamw, screen=_screen_adamw,
    ),
    Lesson(
        slug="lamb",
        query="surface=ellipse&kappa=100.0&angle=0.0&start=-4.0,0.5&steps=300&seed=0&opt=adam(lr=0.05,label=Adam)"
              "&opt=lamb(lr=0.05,label=LAMB)",
        seed="001_3defe583b75fe0a3.txt",
        quote="早些时候，用亚当 W 训练伯特需要 3 天，但兰姆只用了 76 分钟。",
        title={"en": "LAMB's trust ratio",
               "zh-CN": "LAMB 的信任比",
               "zh-TW": "LAMB 的信任比"},
        caption={
            "en": "LAMB takes Adam's direction r and rescales it by the trust ratio ‖θ‖/‖r‖, so every step is "
                  "η‖θ‖ long, a fixed share of the weights. With η = 0.05 from ‖θ‖ = 4.03 its first step is 0.20, "
                  "almost three times Adam's 0.071, and each later step is 5% of the distance to the origin. "
                  "Far out it strides, near the minimum it tiptoes.",
            "zh-CN": "LAMB 取 Adam 的方向 r，再乘以信任比 ‖θ‖/‖r‖，所以每一步长 η‖θ‖，是权重大小的固定比例。"
                     "η = 0.05、从 ‖θ‖ = 4.03 出发时，它的第一步长 0.20，约为 Adam 第一步 0.071 的三倍；"
                     "之后每一步都是到原点距离的 5%。离得远时大步走，靠近最小值时小步挪。",
            "zh-TW": "LAMB 取 Adam 的方向 r，再乘以信任比 ‖θ‖/‖r‖，所以每一步長 η‖θ‖，是權重大小的固定比例。"
                     "η = 0.05、從 ‖θ‖ = 4.03 出發時，它的第一步長 0.20，約為 Adam 第一步 0.071 的三倍；"
                     "之後每一步都是到原點距離的 5%。離得遠時大步走，靠近最小值時小步挪。",
        },
        summary={"en": "LAMB's steps are a fixed share of the weights, η‖θ‖",
                 "zh-CN": "LAMB 的每一步是权重的固定比例 η‖θ‖",
                 "zh-TW": "LAMB 的每一步是權重的固定比例 η‖θ‖"},
        topics=("001: cyclical learning rates, AdamW, LAMB",),
        check=_check_lamb, screen=_screen_lamb,
    ),
    Lesson(
        slug="radam",
        query="surface=regression&model=linear&data=line&normalize=true&start=0.6,2.0&steps=300&seed=0"
              "&opt=adam(lr=0.2,batch=2,label=Adam)"
              f"&opt=adam(lr=0.2,schedule=warmup_constant,batch=2,label={label('Adam + warm-up')})"
              "&opt=radam(lr=0.2,batch=2,label=RAdam)",
        seed="002_ead57720c3d8bf2d.txt",
        quote="更多关于warm up的资料参考:Radam论文",
        title={"en": "RAdam: a warm-up built in",
               "zh-CN": "RAdam：自带的预热",
               "zh-TW": "RAdam：自帶的預熱"},
        caption={
            "en": "Three runs start on the least-squares fit of 64 points and step on mini-batches of 2 with "
                  "η = 0.2. Plain Adam's σ has seen only a few noisy gradients, so its first steps are full-sized "
                  "and knock it off the fit: the loss jumps 15× in 20 steps. A 50-step warm-up keeps η small while σ "
                  "gathers data, and RAdam takes plain momentum steps, then rectifies the adaptive one by r_t, "
                  "which grows from near 0. Later all three jitter about the fit alike: for batches of 2, η = 0.2 is "
                  "large.",
            "zh-CN": "三个运行都从 64 个点的最小二乘解出发，每步用 2 个点的小批量，η = 0.2。"
                     "普通 Adam 的 σ 只见过几个有噪声的梯度，前几步都是满步长，把它撞离拟合解：20 步内损失跳升 15 倍。"
                     "50 步的预热在 σ 收集数据时让 η 保持很小；RAdam 先走普通的动量步，再用从接近 0 逐渐变大的 r_t "
                     "修正自适应的步子。之后三者都在拟合解周围一样地抖动：对 2 个点的批量来说，η = 0.2 太大了。",
            "zh-TW": "三個執行都從 64 個點的最小平方解出發，每步用 2 個點的小批次，η = 0.2。"
                     "普通 Adam 的 σ 只見過幾個有雜訊的梯度，前幾步都是滿步長，把它撞離擬合解：20 步內損失跳升 15 倍。"
                     "50 步的預熱在 σ 收集資料時讓 η 保持很小；RAdam 先走普通的動量步，再用從接近 0 逐漸變大的 r_t "
                     "修正自適應的步子。之後三者都在擬合解周圍一樣地抖動：對 2 個點的批次來說，η = 0.2 太大了。",
        },
        summary={"en": "RAdam's rectified start does what a warm-up does for Adam",
                 "zh-CN": "RAdam 修正后的开头起到了 Adam 预热的作用",
                 "zh-TW": "RAdam 修正後的開頭起到了 Adam 預熱的作用"},
        topics=("002: RAdam", "000: warm-up"),
        check=_check_radam, screen=_screen_radam, curves={"loss": (1e-5, 1e-1)},
    ),
    Lesson(
        slug="gradient-check",
        query="surface=rosenbrock&a=1.0&b=100.0&start=-1.5,2.0&steps=200&seed=0&opt=gd(lr=0.001,label=GD)",
        seed="004_10a190868b46cfba.txt",
        quote="分别用于检测一阶导和二阶导的正确性。",
        title={"en": "Numeric against analytic gradient",
               "zh-CN": "数值梯度与解析梯度",
               "zh-TW": "數值梯度與解析梯度"},
        caption={
            "en": "The inspector sets the analytic ∇f beside finite differences with h = 10⁻⁶, "
                  "torch.autograd.gradcheck's default. The central difference agrees to about 10⁻¹⁰; the forward "
                  "difference only to about 5·10⁻⁴, as its error grows with h, not h². Step with ← and → along the "
                  "path.",
            "zh-CN": "检查器把解析梯度 ∇f 与 h = 10⁻⁶（torch.autograd.gradcheck 的默认值）的有限差分并排列出。"
                     "中心差分的相对误差约 10⁻¹⁰；前向差分只有约 5·10⁻⁴，因为它的误差随 h 增长，而不是随 h²。"
                     "用 ← 和 → 沿路径逐步检查。",
            "zh-TW": "檢查器把解析梯度 ∇f 與 h = 10⁻⁶（torch.autograd.gradcheck 的預設值）的有限差分並排列出。"
                     "中心差分的相對誤差約 10⁻¹⁰；前向差分只有約 5·10⁻⁴，因為它的誤差隨 h 增長，而不是隨 h²。"
                     "用 ← 和 → 沿路徑逐步檢查。",
        },
        summary={"en": "The inspector checks ∇f against central and forward differences",
                 "zh-CN": "检查器用中心差分和前向差分核对 ∇f",
                 "zh-TW": "檢查器用中心差分和前向差分核對 ∇f"},
        topics=("004: numeric vs analytic gradient and gradient checking",),
        check=_check_gradient_check, screen=_screen_gradient_check, step=40,
    ),
    Lesson(
        slug="taylor",
        query="surface=ellipse&kappa=10.0&angle=30.0&start=-4.0,2.0&steps=100&seed=0"
              f"&opt=gd(lr=0.01,label={label('small step')})&opt=gd(lr=0.15,label={label('large step')})",
        seed="000_c462855194d46cda.txt",
        quote="先在loss函數中隨機找一個初始點,然後以它為中心畫一個圓圈,找到這個圓圈上loss最小的點。",
        title={"en": "GD minimizes the first-order model",
               "zh-CN": "GD 最小化一阶模型",
               "zh-TW": "GD 最小化一階模型"},
        caption={
            "en": "Near θ the loss is almost its first-order model f(θ) + ∇f·d, whose level lines are the straight "
                  "green lines at right angles to ∇f. Within the dashed circle of radius η‖∇f‖ the model is lowest "
                  "where the circle touches the farthest level line, ringed, and the GD step ends exactly there. "
                  "The small step gets 95% of the decrease the model promises; the large step only 25%, because "
                  "the model holds only near θ.",
            "zh-CN": "在 θ 附近，损失几乎就是它的一阶模型 f(θ) + ∇f·d，模型的等高线是与 ∇f 垂直的绿色直线。"
                     "在半径为 η‖∇f‖ 的虚线圆里，模型最低的地方是圆碰到最远那条等高线的点（画了圈），GD 的一步正好停"
                     "在那里。"
                     "小步得到了模型预测的下降量的 95%；大步只有 25%，因为模型只在 θ 附近成立。",
            "zh-TW": "在 θ 附近，損失幾乎就是它的一階模型 f(θ) + ∇f·d，模型的等高線是與 ∇f 垂直的綠色直線。"
                     "在半徑為 η‖∇f‖ 的虛線圓裡，模型最低的地方是圓碰到最遠那條等高線的點（畫了圈），GD 的一步正好停"
                     "在那裡。"
                     "小步得到了模型預測的下降量的 95%；大步只有 25%，因為模型只在 θ 附近成立。",
        },
        summary={"en": "Each GD step is the lowest point of the linear model in a circle",
                 "zh-CN": "GD 的每一步都是线性模型在圆内的最低点",
                 "zh-TW": "GD 的每一步都是線性模型在圓內的最低點"},
        topics=("000: GD from the first-order Taylor expansion",),
        check=_check_taylor, screen=_screen_taylor, step=0, arrows="taylor",
    ),
    Lesson(
        slug="momentum-forms",
        query="surface=ellipse&kappa=10.0&angle=30.0&start=-4.0,2.0&steps=200&seed=0"
              f"&opt=momentum(lr=0.01,label={label('torch b')})&opt=velocity(lr=0.01,label={label('notes v')})"
              f"&opt=nesterov(lr=0.01,label={label('Nesterov b')})"
              f"&opt=velocity(lr=0.01,nesterov=true,label={label('Nesterov v')})",
        seed="004_10a190868b46cfba.txt",
        quote="算法有不同版本,但下面的公式实际上是等价的。",
        title={"en": "Momentum's two forms, one walk",
               "zh-CN": "动量的两种写法，同一条路",
               "zh-TW": "動量的兩種寫法，同一條路"},
        caption={
            "en": "torch writes momentum as b ← μb + ∇f, θ ← θ − ηb; the notes write v ← γv + η∇f, θ ← θ − v. "
                  "With γ = μ = 0.9 and a constant η they are one walk, because v = ηb at every step, and each pair "
                  "of paths lies on top of each other to rounding. Nesterov's pair is the same change of variables: "
                  "the notes' θ ← θ + γv₋ − (1 + γ)v is torch's nesterov=True.",
            "zh-CN": "torch 把动量写成 b ← μb + ∇f、θ ← θ − ηb；笔记写成 v ← γv + η∇f、θ ← θ − v。"
                     "γ = μ = 0.9 且 η 固定时，两者是同一条路，因为每一步都有 v = ηb，每对路径在舍入误差以内完全重合。"
                     "Nesterov 那一对也是同样的变量替换：笔记里的 θ ← θ + γv₋ − (1 + γ)v 就是 torch 的 nesterov=True。",
            "zh-TW": "torch 把動量寫成 b ← μb + ∇f、θ ← θ − ηb；筆記寫成 v ← γv + η∇f、θ ← θ − v。"
                     "γ = μ = 0.9 且 η 固定時，兩者是同一條路，因為每一步都有 v = ηb，每對路徑在捨入誤差以內完全重合。"
                     "Nesterov 那一對也是同樣的變數替換：筆記裡的 θ ← θ + γv₋ − (1 + γ)v 就是 torch 的 nesterov=True。",
        },
        summary={"en": "v ← γv + η∇f and torch's b ← μb + ∇f walk alike: v = ηb",
                 "zh-CN": "v ← γv + η∇f 与 torch 的 b ← μb + ∇f 走同一条路：v = ηb",
                 "zh-TW": "v ← γv + η∇f 與 torch 的 b ← μb + ∇f 走同一條路：v = ηb"},
        topics=("004: SGD+Momentum (ρ = 0.9/0.99) in its equivalent forms", "004: Nesterov by change of variables"),
        check=_check_momentum_forms, screen=_screen_momentum_forms,
    ),
    Lesson(
        slug="hessian",
        query="surface=double_well&tilt=0.3&start=0.0754291585697482,1.5&steps=500&seed=0&opt=gd(lr=0.02,label=GD)"
              "&opt=momentum(lr=0.02,label=momentum)",
        seed="003_4ea0521ced52fd75.txt",
        quote="损失函数在某点处的微分为0,并不能直接判断函数收敛到了局部最小值,只能称该点为临界点(critical point)",
        title={"en": "Saddle or minimum? Ask the Hessian",
               "zh-CN": "黑塞矩阵分辨鞍点与最小值",
               "zh-TW": "黑塞矩陣分辨鞍點與最小值"},
        caption={
            "en": "Both runs stop with a gradient norm under 10⁻⁶, so the curves alone cannot say where they are. "
                  "The crosses show the Hessian's eigenvalues at each end: at GD's, one is −3.9 (red, dashed), so it "
                  "is a saddle, and f still falls along that arm. At momentum's both are positive (8.9 and 2): "
                  "a minimum.",
            "zh-CN": "两个运行停下时梯度范数都小于 10⁻⁶，光看曲线分不出它们停在哪里。"
                     "十字画出了每个终点处黑塞矩阵的特征值：GD 的终点有一个是 −3.9（红色虚线），所以是鞍点，"
                     "沿那条臂 f 还能下降。动量的终点两个都是正的（8.9 和 2）：是最小值。",
            "zh-TW": "兩個執行停下時梯度範數都小於 10⁻⁶，光看曲線分不出它們停在哪裡。"
                     "十字畫出了每個終點處黑塞矩陣的特徵值：GD 的終點有一個是 −3.9（紅色虛線），所以是鞍點，"
                     "沿那條臂 f 還能下降。動量的終點兩個都是正的（8.9 和 2）：是最小值。",
        },
        summary={"en": "Zero gradient at both ends; the Hessian says saddle or minimum",
                 "zh-CN": "两个终点梯度都为零；黑塞矩阵说出是鞍点还是最小值",
                 "zh-TW": "兩個終點梯度都為零；黑塞矩陣說出是鞍點還是最小值"},
        topics=("003: critical points: local minimum vs saddle",
                "000: getting stuck at local minima, saddles and plateaus"),
        check=_check_hessian, screen=_screen_hessian, step=499, arrows="all",
    ),
)

LESSONS: dict[str, Lesson] = {lesson.slug: lesson for lesson in _LESSONS}  # in gallery order

__all__ = ["LESSONS"]
