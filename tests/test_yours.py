"""Your own loss end to end: typed formulas and data surfaces through the runner, the link, the CLI and the running
app. Hostile formulas get a message and a safe surface everywhere; data travels in the link exactly."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from experiments import Experiment, Run, run
from experiments.data import INLINE, Data, DataError, dataset, decode_inline, encode_inline, read_csv
from experiments.formula import readable
from experiments.limits import DATA_MAX_ROWS
from experiments.url import parse, to_query
from surfaces import SURFACES, get_surface
from surfaces.yours import DEFAULT_FORMULA
from tests.test_formula import hostile_cases

ROOT = Path(__file__).resolve().parent.parent
ROSENBROCK = "(1-x)^2+100*(y-x^2)^2"


def relative_gap(a: np.ndarray, b: np.ndarray) -> float:
    """The largest ‖a_k − b_k‖ / ‖b_k‖ over the steps of two paths."""
    return float(np.max(np.linalg.norm(a - b, axis=1) / np.linalg.norm(b, axis=1)))


@pytest.mark.parametrize("start", [(-1.5, 2.0), (-1.2, 1.0), (0.5, -0.5)])
def test_the_rosenbrock_formula_runs_the_built_in_trajectory(start):
    runs = [Run("adam", lr=0.01), Run("newton", lr=1.0)]
    typed = run(Experiment("formula", runs, start=start, steps=200,
                           surface_params={"f": ROSENBROCK, "box": "-2,2,-1,3"}))
    built_in = run(Experiment("rosenbrock", runs, start=start, steps=200))
    assert typed.engine == "numpy"
    for mine, theirs in zip(typed.runs, built_in.runs, strict=True):
        assert len(mine.points) == len(theirs.points) == 201
        assert relative_gap(mine.points, theirs.points) < 1e-12
    assert np.linalg.norm(typed.runs[1].points[-1] - [1.0, 1.0]) < 1e-12  # Newton arrives at the minimum
    (minimum,) = typed.surface.critical_points()
    assert minimum.kind == "minimum" and (minimum.x, minimum.y) == pytest.approx((1.0, 1.0), abs=1e-12)


def test_a_run_that_enters_the_undefined_region_stops_there():
    result = run(Experiment("formula", [Run("gd", lr=0.3)], start=(1.5, 1.0), steps=50,
                            surface_params={"f": "log(x) + y^2", "box": "-1,2,-1.5,1.5"}))
    rr = result.runs[0]
    assert rr.diverged_at is not None and len(rr.points) == rr.diverged_at
    assert np.all(rr.points[:, 0] > 0) and np.all(np.isfinite(rr.loss))  # the finite prefix, all of it defined
    # The update leaving the last kept point is the one that crosses x = 0.
    gradient = result.surface.gradient(rr.points[-1])
    assert rr.points[-1, 0] - 0.3 * gradient[0] <= 0


def test_the_landscape_hatches_where_f_is_undefined():
    import base64
    import zlib

    from ui.landscape import UNDEFINED_COLOURS, landscape

    land = landscape("formula", (("box", "-1.0,1.0,-1.0,1.0"), ("f", "log(x) + y^2")))
    assert land.undefined == pytest.approx(0.5, abs=0.01)
    png = base64.b64decode(land.image.split(",", 1)[1])
    # Decompress the IDAT chunk: rows of 1 filter byte + 320 RGB pixels.
    at = png.index(b"IDAT")
    length = int.from_bytes(png[at - 4:at], "big")
    raw = np.frombuffer(zlib.decompress(png[at + 4:at + 4 + length]), dtype=np.uint8).reshape(320, -1)[:, 1:]
    pixels = raw.reshape(320, 320, 3)
    left, right = pixels[:, :150].reshape(-1, 3), pixels[:, 170:].reshape(-1, 3)
    hatch = {tuple(c) for c in UNDEFINED_COLOURS}
    assert {tuple(p) for p in left} == hatch  # x < 0: every pixel is hatching
    assert not any(tuple(p) in hatch for p in right)
    assert "hatched" in landscape("formula", (("box", "-1.0,1.0,-1.0,1.0"), ("f", "log(x) + y^2"))).surface.about


def test_a_formula_with_no_critical_point_has_none_and_its_link_says_how_it_reads():
    experiment, warnings = parse("surface=formula&f=x%2By&box=-1,1,-1,1")
    assert warnings == [] and experiment.make_surface().critical_points() == ()
    assert readable("(1-x)^2 + 100*(y-x^2)^2") == "(1 − x)² + 100(y − x²)²"
    assert readable("-x^2 + sqrt(1+y^2)/abs(x)") == "−x² + √(1 + y²)/|x|"


def test_a_link_encodes_plus_and_caret_and_a_hand_typed_plus_is_read_with_a_message():
    experiment, warnings = parse("surface=formula&f=x^2+3*y^2")  # the + arrived as a space
    assert experiment.surface_params["f"] == "x^2+3*y^2"
    assert [w.key for w in warnings] == ["formula-plus"]
    query = to_query(experiment)
    assert "f=x%5E2%2B3*y%5E2" in query
    again, none = parse(query)
    assert again == experiment and none == []


HOSTILE = ["__import__('os').system('true')", "().__class__.__bases__[0].__subclasses__()", "lambda: 1",
           "[t for t in (x,)]", "'x' * 3", "open('/etc/passwd')", "eval('1')", "9**9**9", "exp(exp(exp(x)))",
           "(" * 10_000 + "x" + ")" * 10_000, "x" * 100_000, "nan", "x + nan", "x\x00", "ünïcode", "2x",
           "x.real", "sin(x, y)", "{x: 1}", "x if y else 1", "x @ y", "x // y", "x % y", "-", "",
           # Parts without x or y that sympy would evaluate for ever, or that have no finite real value.
           "x*sin(exp(exp(100)))", "abs(sin(exp(exp(100))))", "x^exp(exp(exp(100)))", "x+1/0", "log(0)+x",
           "max(x,1/0)", "min(x,0/0)", "sqrt(-1)*x", "x+y*(-1)^(1/3)", "99^99*99^99*x", "x*y+log(-1)", "log(0*x)",
           "x+y #any text rides along"]


def test_two_thousand_hostile_formulas_through_the_link_give_a_message_and_a_safe_surface():
    cases = HOSTILE + hostile_cases(2_000, seed=11)
    refused = 0
    for text in cases:
        experiment, warnings = parse("surface=formula&steps=3&opt=gd(lr=0.01)&f=" + urllib.parse.quote(text))
        assert experiment.surface == "formula"
        typed = experiment.surface_params["f"]
        if typed == DEFAULT_FORMULA and text.strip() != DEFAULT_FORMULA:
            refused += 1
            assert any(w.key in ("bad-formula", "link-too-long") for w in warnings), (text, warnings)
        result = run(experiment)
        assert np.all(np.isfinite(result.runs[0].points)) or result.runs[0].diverged_at is not None
    assert refused > 1_000


def test_exp_of_exp_of_exp_overflows_cleanly_in_the_landscape_and_the_run():
    experiment, warnings = parse("surface=formula&f=exp(exp(exp(x)))&box=-1,3,-1,1&start=-1,0&opt=gd(lr=0.1)")
    assert warnings == []
    result = run(experiment)
    assert result.runs[0].diverged_at is None or result.runs[0].diverged_at > 0
    from ui.figures import contour_figure

    figure = contour_figure(result)
    assert "NaN" not in json.dumps(figure, default=str).replace('"NaN"', "")


def test_hostile_formulas_through_the_command_line():
    for text in ["__import__('os').system('echo owned')", "9**9**9", "(" * 5000 + "x" + ")" * 5000, "x.__class__"]:
        link = "surface=formula&steps=5&opt=gd(lr=0.01)&f=" + urllib.parse.quote(text)
        done = subprocess.run([sys.executable, "-m", "experiments", link], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        # The command line is strict: a link with problems is named on stderr with exit code 2, not repaired.
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr and "owned" not in done.stdout
        assert "the link has problems" in done.stderr and "cannot be used" in done.stderr


def _post_page(base: str, search: str) -> int:
    body = {"output": "page.children", "outputs": {"id": "page", "property": "children"},
            "inputs": [{"id": "url", "property": "search", "value": search}], "changedPropIds": ["url.search"]}
    request = urllib.request.Request(base + "/_dash-update-component", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        page = response.read().decode()
    assert "Traceback" not in page and "NaN" not in page
    return response.status


def test_hostile_formulas_through_the_running_app(live_server):
    cases = HOSTILE + hostile_cases(2_000, seed=13)
    for index, text in enumerate(cases):
        asked = live_server + "/formula.json?f=" + urllib.parse.quote(text)
        if len(asked) > 16_000:  # an address too long for any link: the server may refuse it (414), never 500
            try:
                urllib.request.urlopen(asked, timeout=30).read()
            except urllib.error.HTTPError as error:
                assert error.code == 414
            assert _post_page(live_server, "?surface=formula&f=" + urllib.parse.quote(text)) == 200  # in a body
            continue
        check = urllib.request.urlopen(asked, timeout=30)
        answer = json.loads(check.read())
        assert check.status == 200 and set(answer) >= {"ok", "text", "position"}
        if index % 10 == 0:  # every tenth also as a whole page and as a download
            search = "?surface=formula&steps=3&opt=gd(lr=0.01)&f=" + urllib.parse.quote(text)
            assert _post_page(live_server, search) == 200
            with urllib.request.urlopen(live_server + "/download.csv" + search, timeout=60) as response:
                assert response.status == 200 and b"NaN" not in response.read()
    refused = json.loads(urllib.request.urlopen(live_server + "/formula.json?f=2x%2By&lang=zh-CN").read())
    assert refused == {"ok": False, "text": "乘法请写 *（写 2*x，不写 2x）（在第 1 个字符）", "position": 1}


# -- surfaces of data ------------------------------------------------------------------------------------------

def test_full_batch_gradient_descent_converges_to_the_least_squares_solution():
    result = run(Experiment("regression", [Run("gd", lr=0.5)], steps=2_000, seed=5,
                            surface_params={"data": "line"}))
    data = dataset("line", seed=5)
    design = np.stack([data.u, np.ones_like(data.u)], axis=-1)
    exact = np.linalg.solve(design.T @ design, design.T @ data.t)
    np.testing.assert_allclose(result.runs[0].points[-1], exact, rtol=1e-9)
    (star,) = result.surface.critical_points()
    np.testing.assert_allclose([star.x, star.y], exact, rtol=1e-12)


def test_mini_batches_repeat_with_the_seed_and_change_with_it():
    def path(seed, batch, lr=0.3):
        experiment = Experiment("regression", [Run("sgd", lr=lr, batch=batch), Run("sgd", lr=lr, batch=batch)],
                                steps=300, seed=seed, surface_params={"data": "offset", "normalize": True})
        return run(experiment)

    first, again, other = path(1, 16), path(1, 16), path(2, 16)
    np.testing.assert_array_equal(first.runs[0].points, again.runs[0].points)
    assert not np.array_equal(first.runs[0].points, first.runs[1].points)  # each run has its own stream
    assert not np.array_equal(first.runs[0].points, other.runs[0].points)
    # The loss curve is the full-batch loss at each point, and the gradient the update used is the batch's.
    surface = first.surface
    np.testing.assert_allclose(first.runs[0].loss, surface.value(first.runs[0].points), rtol=1e-15)
    used = first.gradients_used(0)
    step = np.diff(first.runs[0].points, axis=0)
    np.testing.assert_allclose(step, -0.3 * used, rtol=1e-12, atol=1e-15)
    assert not np.allclose(used, surface.gradient(first.runs[0].points[:-1]))


def test_a_batch_of_every_row_is_the_full_gradient_up_to_the_order_of_summation():
    rows = len(dataset("line").u)
    full = run(Experiment("regression", [Run("gd", lr=0.5)], steps=100))
    shuffled = run(Experiment("regression", [Run("gd", lr=0.5, batch=rows)], steps=100))
    np.testing.assert_allclose(shuffled.runs[0].points, full.runs[0].points, rtol=1e-12)


def test_batch_is_kept_only_where_there_is_data():
    experiment, warnings = parse("surface=ellipse&opt=sgd(lr=0.01,batch=8)")
    assert experiment.runs[0].batch == 0 and [w.key for w in warnings] == ["batch-without-data"]
    experiment, warnings = parse("surface=regression&opt=sgd(lr=0.01,batch=999)")
    assert experiment.runs[0].batch == 64 and [w.key for w in warnings] == ["above"]
    with pytest.raises(ValueError, match="no data"):
        Experiment("ellipse", [Run("sgd", lr=0.01, batch=8)])
    with pytest.raises(ValueError, match="more than the 64 rows"):
        Experiment("regression", [Run("sgd", lr=0.01, batch=65)])


def test_inline_data_round_trips_through_the_link_exactly_as_float32():
    rng = np.random.default_rng(3)
    u, t = rng.normal(0, 50, DATA_MAX_ROWS).astype(np.float32), rng.normal(0, 1, DATA_MAX_ROWS).astype(np.float32)
    inline = encode_inline(Data(u.astype(float), t.astype(float)))
    experiment, warnings = parse("surface=regression&data=" + inline + "&opt=gd(lr=0.01)&opt=adam(lr=0.1)"
                                 + "&opt=sgd(lr=0.01,batch=50)")
    assert warnings == []
    surface = experiment.make_surface()
    np.testing.assert_array_equal(surface.data.u, u.astype(float))
    np.testing.assert_array_equal(surface.data.t, t.astype(float))
    again, _ = parse(to_query(experiment))
    assert again == experiment and len(to_query(experiment)) < 8_000


@pytest.mark.parametrize(("data", "reason"), [
    ("inline:", "data-rows"),
    ("inline:!!!!", "data-rows"),
    ("inline:AAAA", "data-encoding"),
    ("inline:" + "A" * 7_000, "data-long"),
    ("somewhere", "data-unknown"),
])
def test_malformed_inline_data_gets_a_message_and_the_line(data, reason):
    experiment, warnings = parse("surface=regression&data=" + data)
    assert experiment.surface_params["data"] == "line"
    (warning,) = warnings
    assert warning.key == "bad-data" and warning.values["reason"].key == reason


def test_inline_data_is_checked_like_any_key():
    import base64
    import zlib

    def inline_of(pairs) -> str:
        raw = np.asarray(pairs, dtype="<f4").tobytes()
        return INLINE + base64.urlsafe_b64encode(zlib.compress(raw)).decode().rstrip("=")

    for pairs, reason in (([[1, 2]], "data-rows"), ([[1, 2], [1, 3]], "data-distinct"),
                          ([[1, 2], [np.nan, 3]], "data-finite"), ([[0, 0]] * 600, "data-rows")):
        with pytest.raises(DataError) as error:
            decode_inline(inline_of(pairs))
        assert error.value.problem.key == reason
    bomb = INLINE + base64.urlsafe_b64encode(zlib.compress(b"\0" * 50_000_000)).decode()  # 50 MB of zeros
    with pytest.raises(DataError):
        decode_inline(bomb)


def test_csv_reading():
    data = read_csv("u,t\n1,2\n# a comment\n\n3;4\n5\t6\n7 8\n")
    np.testing.assert_array_equal(data.u, [1, 3, 5, 7])
    np.testing.assert_array_equal(data.t, [2, 4, 6, 8])
    for text, reason in (("1,2\nx,y,z", "csv-row"), ("u,t", "data-rows"),
                         ("\n".join(f"{i},{i}" for i in range(DATA_MAX_ROWS + 1)), "csv-too-many")):
        with pytest.raises(DataError) as error:
            read_csv(text)
        assert error.value.problem.key == reason


def test_a_logistic_model_needs_targets_in_zero_to_one():
    experiment, warnings = parse("surface=regression&model=logistic&data=line")
    assert experiment.surface_params["data"] == "classes" and [w.key for w in warnings] == ["logistic-targets"]
    result = run(Experiment("regression", [Run("gd", lr=2.0)], steps=3_000, surface_params={
        "model": "logistic", "data": "classes"}))
    (minimum,) = result.surface.critical_points()
    np.testing.assert_allclose(result.runs[0].points[-1], [minimum.x, minimum.y], rtol=1e-8)


def test_normalizing_turns_the_stretched_loss_round():
    stretched = get_surface("regression", data="offset")
    round_ = get_surface("regression", data="offset", normalize=True)
    low, high = np.linalg.eigvalsh(stretched.hessian(np.zeros(2)))
    assert high / low > 1e6
    np.testing.assert_allclose(np.linalg.eigvalsh(round_.hessian(np.zeros(2))), [1.0, 1.0], atol=1e-12)
    assert SURFACES["regression"].axes == ("w", "b")


def test_the_step_inspector_shows_the_mini_batch_gradient_the_update_used():
    from experiments.inspect import number_text
    from ui.inspector import inspection

    experiment, _ = parse("surface=regression&normalize=true&opt=sgd(lr=0.3,batch=8)&opt=sgd(lr=0.3)&steps=20")
    result = run(experiment)
    batched, full = inspection(result, 0, 3, "en"), inspection(result, 1, 3, "en")
    used = result.gradients_used(0)
    row = batched["rows"][3]
    assert row["batch"] is True
    assert row["used"] == f"({number_text(float(used[3, 0]))}, {number_text(float(used[3, 1]))})"
    assert row["used"] != row["grad"] and "used" not in full["rows"][3]


@pytest.mark.parametrize("text", HOSTILE[-13:])
def test_constant_parts_are_worked_out_in_floats_and_refused_without_a_finite_real_value(text):
    from experiments.formula import FormulaError, read_formula

    with pytest.raises(FormulaError) as error:
        read_formula(text)
    assert error.value.key in ("formula-constant", "formula-character", "formula-number")


def test_a_batch_stream_can_be_read_at_any_step_and_keeps_one_epoch():
    from experiments.data import Batches

    ahead, again = Batches(64, 16, seed=3, run=1), Batches(64, 16, seed=3, run=1)
    in_order = [ahead.indices(k).tolist() for k in range(12)]
    assert [again.indices(k).tolist() for k in (11, 3, 7)] == [in_order[11], in_order[3], in_order[7]]
    for epoch in range(3):  # each epoch is a permutation of every row
        assert sorted(row for batch in in_order[4 * epoch:4 * epoch + 4] for row in batch) == list(range(64))
    assert in_order[0:4] != in_order[4:8]


def test_separable_classes_have_no_logistic_minimum_and_a_far_feature_keeps_its_fit():
    separable = encode_inline(Data(np.array([0.0, 1.0, 2.0, 3.0]), np.array([0.0, 0.0, 1.0, 1.0])))
    assert get_surface("regression", model="logistic", data=separable).critical_points() == ()
    u = 1e7 + np.arange(50.0)  # float32 holds these whole numbers exactly
    far = get_surface("regression", data=encode_inline(Data(u, 0.85 * (u - 1e7) + 2.0)))
    (fit,) = far.critical_points()
    data = far.data
    w = np.cov(data.u, data.t, bias=True)[0, 1] / np.var(data.u)
    assert fit.x == pytest.approx(w, rel=1e-9) and fit.x == pytest.approx(0.85, rel=0.05)
