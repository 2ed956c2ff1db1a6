"""Surfaces: analytic derivatives against finite differences, vectorization, critical points, hand-checked facts.

Every test iterates the SURFACES registry, so a newly added surface is covered automatically; the hand-written
facts at the bottom fail for a surface that has none.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest

from declarations import BOOL, CHOICE, FLOAT, INT, TEXT, Param
from surfaces import MAXIMUM, MINIMUM, SADDLE, SURFACES, Surface, get_surface

EPS = np.finfo(float).eps


# -- parameter settings --------------------------------------------------------------------------------------
def _draw(param: Param, rng: np.random.Generator) -> float | int:
    if param.kind == INT:
        return int(rng.integers(int(param.low), int(param.high), endpoint=True))
    if param.log:  # log-scaled parameters (κ, wall, height) span decades: draw uniformly in the exponent
        return float(math.exp(rng.uniform(math.log(param.low), math.log(param.high))))
    return float(rng.uniform(param.low, param.high))


def parameter_settings(cls: type[Surface]) -> list[dict]:
    """The defaults, then 3 random draws of the numeric parameters, each crossed with every discrete choice."""
    rng = np.random.default_rng(zlib.crc32(cls.id.encode()))  # per surface, so adding one changes no other draw
    discrete = [p for p in cls.params if p.kind in (CHOICE, BOOL) or (p.kind == TEXT and p.choices)]
    options = [(False, True) if p.kind == BOOL else p.choices for p in discrete]
    candidates: list[dict] = [{}]
    for _ in range(3):
        numeric = {p.name: _draw(p, rng) for p in cls.params if p.kind in (FLOAT, INT)}
        for combo in itertools.product(*options):
            candidates.append({**numeric, **dict(zip((p.name for p in discrete), combo, strict=True))})
    unique: dict[tuple, dict] = {}
    for given in candidates:
        full = cls(**cls.repair(given)[0]).settings  # combinations that cannot be used together are repaired
        unique.setdefault(tuple(full.items()), full)  # surfaces with only discrete parameters repeat
    return list(unique.values())


def _case_id(surface_id: str, settings: dict) -> str:
    args = ",".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in settings.items())
    return f"{surface_id}[{args}]"


CASES = [(sid, settings) for sid, cls in SURFACES.items() for settings in parameter_settings(cls)]
CASE_IDS = [_case_id(sid, settings) for sid, settings in CASES]


def _sample(surface: Surface, shape: tuple[int, ...], seed: str) -> np.ndarray:
    xmin, xmax, ymin, ymax = surface.view()
    rng = np.random.default_rng(zlib.crc32(seed.encode()))
    return np.stack([rng.uniform(xmin, xmax, shape), rng.uniform(ymin, ymax, shape)], axis=-1)


def test_settings_cover_declared_parameters():
    for sid, cls in SURFACES.items():
        settings = parameter_settings(cls)
        assert settings[0] == {p.name: p.default for p in cls.params}, sid
        for p in cls.params:
            seen = {s[p.name] for s in settings}
            if p.kind in (CHOICE, BOOL) or (p.kind == TEXT and p.choices):
                assert seen == set(p.choices if p.kind != BOOL else (False, True)), (sid, p.name)
            elif p.kind == TEXT:  # a typed formula or box: its default here, many more in test_formula
                assert seen == {p.default} and p.coerce(p.default) == (p.default, None), (sid, p.name)
            else:
                assert len(seen) == 4 and all(p.low <= v <= p.high for v in seen), (sid, p.name, seen)


# -- derivatives against finite differences ------------------------------------------------------------------
def _central_differences(fn: Callable[[np.ndarray], np.ndarray], points: np.ndarray):
    """d fn / d(x, y) by central differences, stacked on a new last axis; also returns the steps h (N, 2)."""
    h = 1e-6 * np.maximum(1.0, np.abs(points))
    columns = []
    for j in range(2):
        up, down = points.copy(), points.copy()
        up[:, j] += h[:, j]
        down[:, j] -= h[:, j]
        step = up[:, j] - down[:, j]  # the step actually taken once p ± h is rounded
        diff = fn(up) - fn(down)
        columns.append(diff / step.reshape(step.shape + (1,) * (diff.ndim - 1)))
    return np.stack(columns, axis=-1), h


# Central differences err by truncation, h²·f'''/6, about 1e-12 relative here, and by rounding: each evaluation
# of fn is off by ~eps·|fn|, which the division by 2h turns into ~eps·max|fn|/h. Measured over every case the
# error stays below 0.4 × (1e-8·|exact| + eps·max|fn|/h), so the bound below leaves a 10x-25x margin while still
# catching any wrong term: a mistake in a coefficient shows up as an error of order |exact| itself.
RTOL, NOISE = 1e-7, 10.0


@pytest.mark.parametrize(("surface_id", "settings"), CASES, ids=CASE_IDS)
def test_gradient_matches_finite_differences(surface_id, settings):
    surface = SURFACES[surface_id](**settings)
    points = _sample(surface, (200,), "fd-" + _case_id(surface_id, settings))
    numeric, h = _central_differences(surface.value, points)
    exact = surface.gradient(points)
    scale = np.max(np.abs(surface.value(points)))
    _assert_within(numeric, exact, RTOL * np.abs(exact) + NOISE * EPS * scale / h, points)


@pytest.mark.parametrize(("surface_id", "settings"), CASES, ids=CASE_IDS)
def test_hessian_matches_finite_differences_of_gradient(surface_id, settings):
    surface = SURFACES[surface_id](**settings)
    points = _sample(surface, (200,), "fd-" + _case_id(surface_id, settings))
    numeric, h = _central_differences(surface.gradient, points)  # [n, i, j] = d g_i / d x_j
    exact = surface.hessian(points)
    assert np.array_equal(exact, np.swapaxes(exact, -1, -2))
    scale = np.max(np.abs(surface.gradient(points)))
    _assert_within(numeric, exact, RTOL * np.abs(exact) + NOISE * EPS * scale / h[:, None, :], points)


def _assert_within(numeric, exact, bound, points):
    """Finite differences agree with the analytic derivative within `bound`; name the worst point if not."""
    worst = np.unravel_index(np.argmax(np.abs(numeric - exact) / bound), exact.shape)
    assert np.all(np.abs(numeric - exact) <= bound), (
        f"at {points[worst[0]]}, entry {worst[1:]}: analytic {exact[worst]!r}, finite difference {numeric[worst]!r}"
    )


# -- vectorization ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("surface_id", "settings"), CASES, ids=CASE_IDS)
def test_vectorized_equals_pointwise(surface_id, settings):
    surface = SURFACES[surface_id](**settings)
    points = _sample(surface, (3, 4), "vec-" + _case_id(surface_id, settings))
    value, gradient, hessian = surface.value(points), surface.gradient(points), surface.hessian(points)
    assert np.shape(value) == (3, 4)
    assert np.shape(gradient) == (3, 4, 2)
    assert np.shape(hessian) == (3, 4, 2, 2)
    for index in np.ndindex(3, 4):
        point = points[index]
        one = (surface.value(point), surface.gradient(point), surface.hessian(point))
        assert [np.shape(v) for v in one] == [(), (2,), (2, 2)]
        # Same arithmetic either way; the tolerance only allows numpy's SIMD and scalar paths for exp/cos to
        # differ in the last bit.
        for batched, single in zip((value, gradient, hessian), one, strict=True):
            np.testing.assert_allclose(batched[index], single, rtol=1e-13, atol=1e-300)


# -- critical points, view box, start ------------------------------------------------------------------------
# Settings whose surface falls away for ever, so it has no minimum: the exemption is checked to be real.
UNBOUNDED_BELOW = {"saddle": {"variant": "classic"}}


def _inside(surface: Surface, x: float, y: float) -> bool:
    xmin, xmax, ymin, ymax = surface.view()
    return xmin <= x <= xmax and ymin <= y <= ymax


@pytest.mark.parametrize(("surface_id", "settings"), CASES, ids=CASE_IDS)
def test_critical_points(surface_id, settings):
    surface = SURFACES[surface_id](**settings)
    xmin, xmax, ymin, ymax = surface.view()
    assert xmin < xmax and ymin < ymax
    critical = surface.critical_points()
    for c in critical:
        point = np.array([c.x, c.y])
        assert np.linalg.norm(surface.gradient(point)) < 1e-9, c
        low, high = np.linalg.eigvalsh(surface.hessian(point))
        signs_match = {MINIMUM: low > 0, MAXIMUM: high < 0, SADDLE: low < 0 < high}
        assert signs_match.get(c.kind), f"{c} has Hessian eigenvalues {low!r}, {high!r}"
    for c, d in itertools.combinations(critical, 2):
        assert math.hypot(c.x - d.x, c.y - d.y) > 1e-6, f"listed twice: {c}, {d}"
    minima = surface.minima()
    assert minima == tuple(c for c in critical if c.kind == MINIMUM)
    exempt = UNBOUNDED_BELOW.get(surface_id)
    if exempt is not None and all(surface.settings[k] == v for k, v in exempt.items()):
        assert minima == ()
    else:
        assert minima, f"{surface!r} lists no minimum"
    for m in minima:
        assert _inside(surface, m.x, m.y), f"minimum {m} outside the view {surface.view()}"
    assert _inside(surface, *surface.start()), f"start {surface.start()} outside the view {surface.view()}"


# -- get_surface and parameter validation --------------------------------------------------------------------
def test_unknown_surface_names_the_choices():
    with pytest.raises(ValueError, match="unknown surface 'no_such_surface'") as error:
        get_surface("no_such_surface")
    for sid in SURFACES:
        assert sid in str(error.value)


@pytest.mark.parametrize("surface_id", SURFACES)
def test_unknown_parameter_names_the_accepted_ones(surface_id):
    with pytest.raises(ValueError, match="no parameter bogus") as error:
        get_surface(surface_id, bogus=1.0)
    names = [p.name for p in SURFACES[surface_id].params] or ["none"]
    for name in names:
        assert name in str(error.value).split("takes", 1)[1]


@pytest.mark.parametrize("surface_id", SURFACES)
def test_parameters_outside_their_range_are_rejected(surface_id):
    for p in SURFACES[surface_id].params:
        if p.kind in (FLOAT, INT):
            get_surface(surface_id, **{p.name: p.low})  # the bounds themselves are allowed
            get_surface(surface_id, **{p.name: p.high})
            margin = max(p.high - p.low, 1.0)
            for bad in (p.low - margin, p.high + margin, *((p.low / 2,) if p.log else ())):
                with pytest.raises(ValueError, match=p.name):
                    get_surface(surface_id, **{p.name: bad})
        if p.kind == CHOICE:
            for choice in p.choices:
                usable = SURFACES[surface_id].repair({p.name: choice})[0]  # with data a logistic model can fit
                assert get_surface(surface_id, **usable).settings[p.name] == choice
            with pytest.raises(ValueError, match=p.name):
                get_surface(surface_id, **{p.name: "no-such-choice"})


# -- hand-written facts, one set per surface -----------------------------------------------------------------
FACTS: dict[str, Callable[[], None]] = {}


def fact(surface_id: str):
    def register(check: Callable[[], None]) -> Callable[[], None]:
        FACTS[surface_id] = check
        return check

    return register


@pytest.mark.parametrize("surface_id", SURFACES)
def test_hand_written_facts(surface_id):
    assert surface_id in FACTS, f"surface {surface_id!r} has no hand-written facts; add a @fact({surface_id!r})"
    FACTS[surface_id]()


def test_facts_name_real_surfaces():
    assert set(FACTS) <= set(SURFACES)


def _at(surface: Surface, method: str, x: float, y: float) -> np.ndarray:
    return getattr(surface, method)(np.array([x, y], dtype=float))


def _triples(surface: Surface) -> list[tuple[float, float, str]]:
    return sorted((c.x, c.y, c.kind) for c in surface.critical_points())


@fact("rosenbrock")
def _rosenbrock():
    # (a, b, x, y, (a − x)² + b(y − x²)² worked out by hand)
    for a, b, x, y, expected in [
        (1.0, 100.0, 0.0, 0.0, 1.0),  # 1² + 0
        (1.0, 100.0, -1.0, 1.0, 4.0),  # 2² + 100·0²
        (1.0, 100.0, 2.0, 3.0, 101.0),  # (−1)² + 100·(3 − 4)²
        (2.0, 10.0, 1.0, 3.0, 41.0),  # 1² + 10·2²
        (2.0, 10.0, -1.0, 0.0, 19.0),  # 3² + 10·(−1)²
        (-0.5, 0.5, 0.5, 1.25, 1.5),  # (−1)² + 0.5·1²
        (3.0, 0.1, 1.0, 7.0, 7.6),  # 2² + 0.1·6²
    ]:
        assert _at(get_surface("rosenbrock", a=a, b=b), "value", x, y) == pytest.approx(expected, rel=1e-15)
    # At a=2, b=10, (1, 3): r = y − x² = 2, so ∇ = (−2(a − x) − 4bxr, 2br) = (−82, 40),
    # H = [[2 − 4b(y − 3x²), −4bx], [−4bx, 2b]] = [[2, −40], [−40, 20]].
    surface = get_surface("rosenbrock", a=2.0, b=10.0)
    np.testing.assert_allclose(_at(surface, "gradient", 1.0, 3.0), [-82.0, 40.0], rtol=1e-15)
    np.testing.assert_allclose(_at(surface, "hessian", 1.0, 3.0), [[2.0, -40.0], [-40.0, 20.0]], rtol=1e-15)
    for a, b in [(1.0, 100.0), (2.0, 10.0), (-1.5, 3.0), (0.0, 1000.0)]:
        surface = get_surface("rosenbrock", a=a, b=b)
        assert _triples(surface) == [(pytest.approx(a, abs=1e-12), pytest.approx(a * a, abs=1e-12), MINIMUM)]
        assert _at(surface, "value", a, a * a) == 0.0


@fact("himmelblau")
def _himmelblau():
    surface = get_surface("himmelblau")
    assert _at(surface, "value", 0.0, 0.0) == 170.0  # (−11)² + (−7)²
    assert _at(surface, "value", 3.0, 2.0) == 0.0  # (9 + 2 − 11)² + (3 + 4 − 7)²
    assert Counter(c.kind for c in surface.critical_points()) == {MINIMUM: 4, SADDLE: 4, MAXIMUM: 1}
    known_minima = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]
    minima = sorted((m.x, m.y) for m in surface.minima())
    assert minima == [(pytest.approx(x, abs=1e-6), pytest.approx(y, abs=1e-6)) for x, y in sorted(known_minima)]
    for x, y in minima:
        assert _at(surface, "value", x, y) < 1e-20
    (maximum,) = (c for c in surface.critical_points() if c.kind == MAXIMUM)
    assert (maximum.x, maximum.y) == (pytest.approx(-0.270845, abs=1e-6), pytest.approx(-0.923039, abs=1e-6))


@fact("saddle")
def _saddle():
    classic = get_surface("saddle", variant="classic")  # x² − y²
    assert _at(classic, "value", 2.0, 1.0) == 3.0
    assert _at(classic, "value", 0.5, -1.5) == -2.0
    np.testing.assert_array_equal(_at(classic, "hessian", 0.3, 0.7), [[2.0, 0.0], [0.0, -2.0]])
    assert _triples(classic) == [(0.0, 0.0, SADDLE)]
    bounded = get_surface("saddle", variant="bounded")  # x² + (y² − 1)²
    assert get_surface("saddle").settings["variant"] == "bounded"
    assert _at(bounded, "value", 1.0, 0.0) == 2.0
    assert _at(bounded, "value", 0.0, 2.0) == 9.0
    assert _at(bounded, "value", 1.5, -1.0) == 2.25
    assert _triples(bounded) == [(0.0, -1.0, MINIMUM), (0.0, 0.0, SADDLE), (0.0, 1.0, MINIMUM)]


@fact("beale")
def _beale():
    surface = get_surface("beale")
    assert _at(surface, "value", 3.0, 0.5) == 0.0  # each bracket: 1.5 − 3 + 1.5, 2.25 − 3 + 0.75, 2.625 − 3 + 0.375
    assert _at(surface, "value", 0.0, 0.0) == 14.203125  # 1.5² + 2.25² + 2.625²
    assert _at(surface, "value", 2.0, 0.0) == 0.703125  # 0.5² + 0.25² + 0.625²
    assert _triples(surface) == [(3.0, 0.5, MINIMUM)]


@fact("rastrigin")
def _rastrigin():
    for A in (10.0, 3.0, 0.0):
        surface = get_surface("rastrigin", A=A)
        assert _at(surface, "value", 0.5, 0.5) == pytest.approx(4 * A + 0.5, rel=1e-14)  # cos π = −1 twice
        assert _at(surface, "value", 1.0, 0.0) == pytest.approx(1.0, rel=1e-14)  # cos 2π = cos 0 = 1
        lowest = min(surface.minima(), key=lambda m: _at(surface, "value", m.x, m.y))
        assert (lowest.x, lowest.y) == (0.0, 0.0)
        assert _at(surface, "value", 0.0, 0.0) == 0.0
    assert len(get_surface("rastrigin", A=10.0).minima()) == 25  # one near each integer point of [−2, 2]²


@fact("ellipse")
def _ellipse():
    for kappa in (10.0, 250.0):
        for angle in (0.0, 30.0, -45.0, 72.5, 90.0):
            surface = get_surface("ellipse", kappa=kappa, angle=angle)
            hessian = _at(surface, "hessian", 0.7, -1.3)
            np.testing.assert_allclose(np.linalg.eigvalsh(hessian), [1.0, kappa], rtol=1e-12)
            # the long (curvature-1) axis points along the angle
            axis = np.array([math.cos(math.radians(angle)), math.sin(math.radians(angle))])
            np.testing.assert_allclose(hessian @ axis, axis, atol=1e-12 * kappa)
        axis_aligned = get_surface("ellipse", kappa=kappa, angle=0.0)
        hessian = _at(axis_aligned, "hessian", 0.7, -1.3)
        assert hessian[0, 1] == 0.0 and hessian[1, 0] == 0.0
        assert _at(axis_aligned, "value", 1.0, 1.0) == pytest.approx(0.5 * (1.0 + kappa), rel=1e-15)


@fact("plateau")
def _plateau():
    surface = get_surface("plateau", width=1.0)
    assert np.linalg.norm(_at(surface, "gradient", 4.0, 4.0)) < 1e-3  # the gentle slope: 4√2·e^(−16) ≈ 6e-7
    assert _at(surface, "value", 4.0, 4.0) > 0.9999
    # inside the well the slope is e^(−1/2) at one width from the centre
    np.testing.assert_allclose(_at(surface, "gradient", 1.0, 0.0), [math.exp(-0.5), 0.0], rtol=1e-15)
    assert _triples(surface) == [(0.0, 0.0, MINIMUM)]
    assert _at(surface, "value", 0.0, 0.0) == 0.0


@fact("double_well")
def _double_well():
    assert _at(get_surface("double_well", tilt=0.3), "value", 1.0, 0.0) == pytest.approx(0.3, rel=1e-15)
    assert _at(get_surface("double_well", tilt=0.3), "value", 0.0, 1.0) == 2.0  # (0 − 1)² + 0 + 1²
    for tilt in (0.3, 0.05, 0.9, -0.3, -0.9, 0.0):
        surface = get_surface("double_well", tilt=tilt)
        left, right = sorted(surface.minima(), key=lambda m: m.x)
        (saddle,) = (c for c in surface.critical_points() if c.kind == SADDLE)
        assert len(surface.critical_points()) == 3
        assert left.x < saddle.x < right.x and left.y == saddle.y == right.y == 0.0
        f_left, f_right = _at(surface, "value", left.x, 0.0), _at(surface, "value", right.x, 0.0)
        if tilt > 0:
            assert left.x < 0 and f_left < f_right
        elif tilt < 0:
            assert right.x > 0 and f_right < f_left
        else:
            assert f_left == pytest.approx(f_right, abs=1e-15)


@fact("crescent")
def _crescent():
    surface = get_surface("crescent")
    minima = surface.minima()
    assert len(minima) == 1
    assert abs(minima[0].x) < 1e-9 and abs(minima[0].y + 1.0) < 0.01
    (saddle,) = (c for c in surface.critical_points() if c.kind == SADDLE)
    assert abs(saddle.x) < 1e-9 and abs(saddle.y - 0.93) < 0.01

    def slope_along_floor(degrees_from_top: float) -> float:
        # the floor is the unit circle; going down its right half, the direction of travel is (cos θ, −sin θ)
        theta = math.radians(degrees_from_top)
        gradient = _at(surface, "gradient", math.sin(theta), math.cos(theta))
        return abs(gradient @ np.array([math.cos(theta), -math.sin(theta)]))

    assert slope_along_floor(30.0) >= 50.0 * slope_along_floor(150.0)  # steep first, flat later


@fact("formula")
def _formula():
    # Every built-in surface's expression, typed, is that surface at its default parameters; Rosenbrock's has
    # its one critical point, the minimum at (1, 1).
    for cls in SURFACES.values():
        if not cls.expression:
            continue
        built_in = cls()
        typed = get_surface("formula", f=cls.expression, box=",".join(map(repr, built_in.view())))
        points = _sample(built_in, (100,), "expression-" + cls.id)
        np.testing.assert_allclose(typed.value(points), built_in.value(points), rtol=1e-13, atol=1e-13)
        np.testing.assert_allclose(typed.gradient(points), built_in.gradient(points), rtol=1e-12, atol=1e-11)
    rosenbrock = get_surface("formula", f=SURFACES["rosenbrock"].expression, box="-2.0,2.0,-1.0,3.0")
    (minimum,) = rosenbrock.critical_points()
    assert minimum.kind == MINIMUM and (minimum.x, minimum.y) == pytest.approx((1.0, 1.0), abs=1e-12)
    assert get_surface("formula", f="x + y").critical_points() == ()
    undefined = get_surface("formula", f="log(x) + y^2", box="-1.0,1.0,-1.0,1.0")
    assert np.isnan(_at(undefined, "value", -0.5, 0.0)) and np.isfinite(_at(undefined, "value", 0.5, 0.0))


@fact("regression")
def _regression():
    from experiments.data import dataset

    # The linear model's minimum is the least-squares solution of the normal equations, and normalizing u makes
    # the Hessian the identity: the stretched valley turns round.
    surface = get_surface("regression", data="offset", seed=3)
    data = dataset("offset", seed=3)
    design = np.stack([data.u, np.ones_like(data.u)], axis=-1)
    (minimum,) = surface.critical_points()
    expected = np.linalg.solve(design.T @ design, design.T @ data.t)
    assert (minimum.x, minimum.y) == pytest.approx(tuple(expected), rel=1e-9)
    assert np.max(np.abs(surface.gradient(np.array([minimum.x, minimum.y])))) < 1e-12
    stretched = np.linalg.eigvalsh(surface.hessian(np.zeros(2)))
    assert stretched[1] / stretched[0] > 1e6
    normalized = get_surface("regression", data="offset", normalize=True, seed=3)
    np.testing.assert_allclose(normalized.hessian(np.zeros(2)), np.eye(2), atol=1e-12)
    assert get_surface("regression", data="offset", seed=4).critical_points() != surface.critical_points()
    logistic = get_surface("regression", model="logistic", data="classes")
    (minimum,) = logistic.critical_points()
    assert minimum.kind == MINIMUM and np.max(np.abs(logistic.gradient(np.array([minimum.x, minimum.y])))) < 1e-9
    with pytest.raises(ValueError, match=r"targets t in \[0, 1\]"):
        get_surface("regression", model="logistic", data="line")
