"""Every screen a class uses, in real Chromium: the projector (presentation mode at 1366×768 and 1920×1080) and a
390×844 phone with touch. Each lesson's phenomenon must be visible, not only happen: its on-screen check reads
what the page drew."""

from __future__ import annotations

import json

import pytest

from experiments import run
from experiments.lessons import LESSONS, lesson_link
from experiments.url import View, parse, to_query
from tests.browser import read_screen, wait_for_result
from tests.conftest import ROOT
from tests.test_lessons import BROKEN

pytestmark = pytest.mark.browser

SHOTS = ROOT / "screenshots"
PROJECTORS = [(1366, 768), (1920, 1080)]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def screen_page(browser, request):
    """A page of a given size (a parametrized test passes (width, height) or "phone"), failing on console errors."""
    size = getattr(request, "param", (1366, 768))
    options = PHONE if size == "phone" else {"viewport": {"width": size[0], "height": size[1]}}
    context = browser.new_context(**options)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], "the page logged errors"


def open_at_the_end(page, server: str, query: str, lesson=None) -> None:
    """Open a link paused at its last step, or, for a lesson about one step, at that step with what the contour
    draws there (the step inspector's overlay, which comes in a request of its own)."""
    page.goto(f"{server}/?{query}")
    wait_for_result(page, None)
    step = "descentLab.player.steps" if lesson is None or lesson.step is None else str(lesson.step)
    page.evaluate(f"() => {{ descentLab.pause(); descentLab.seek({step}); }}")
    page.wait_for_function("() => descentLab.draw()")  # drawn at the step, after any pending relayout
    if lesson is not None and lesson.step is not None:
        page.wait_for_function("() => document.querySelector('#contour g.descent-vectors > *')"
                               " && document.querySelector('.inspect-body table')")
    page.wait_for_timeout(300)


# -- each lesson's phenomenon is on screen, in presentation mode ----------------------------------------------------

@pytest.mark.parametrize("slug", list(LESSONS))
def test_each_lesson_shows_its_phenomenon_on_the_projector(live_server, screen_page, slug):
    lesson = LESSONS[slug]
    open_at_the_end(screen_page, live_server, lesson_link(lesson) + "&present=1", lesson)
    screen = read_screen(screen_page)
    SHOTS.mkdir(exist_ok=True)
    screen_page.screenshot(path=str(SHOTS / f"lesson-{slug}-present-1366x768.png"))
    problems = lesson.screen(screen, run(parse(lesson.query)[0]))
    assert problems == [], problems


@pytest.mark.parametrize(("slug", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_an_on_screen_check_fails_where_the_phenomenon_is_gone(live_server, screen_page, slug, old, new):
    lesson = LESSONS[slug]
    experiment, _ = parse(lesson.query.replace(old, new))
    view = View(zoom=lesson.view, present=True, step=lesson.step, arrows=lesson.arrows)
    open_at_the_end(screen_page, live_server, to_query(experiment, view), lesson)
    problems = lesson.screen(read_screen(screen_page), run(experiment))
    assert problems, f"{slug}: the on-screen check passed a link that should not show the phenomenon"


def test_the_adagrad_lesson_frames_its_bursts_where_the_default_view_hid_them(live_server, screen_page):
    """At the default view (±5) the bursts were a blip of ±0.5, and the loss axis ran from 1 to 10⁻²⁷."""
    lesson = LESSONS["adagrad-bursts"]
    open_at_the_end(screen_page, live_server, lesson.query + "&present=1")  # the experiment without its framing
    problems = lesson.screen(read_screen(screen_page), run(parse(lesson.query)[0]))
    assert any("bursts across the valley span" in p for p in problems), problems


# -- the projector: a third of the screen, everything in, nothing overlapping ---------------------------------------

READ_SIZES = """() => {
    const gd = document.querySelector('#contour .js-plotly-plot');
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const inside = (sel) => Array.from(document.querySelectorAll(sel)).every((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    });
    return {plot: xa._length * ya._length, screen: innerWidth * innerHeight, plotWidth: xa._length,
            overflow: document.documentElement.scrollWidth - innerWidth,
            scroll: document.documentElement.scrollHeight - innerHeight,
            playerInside: inside('#player button.icon'), captionInside: inside('#lesson-caption h2'),
            curvesInside: inside('#curves .js-plotly-plot')};
}"""

# Every text box plotly drew (axis titles, tick labels, legend entries, the colour bar's title and labels, the
# curve rows' names), by the group it belongs to: boxes of different groups must not overlap.
READ_TEXT_BOXES = """() => {
    const boxes = [];
    for (const id of ['contour', 'curves', 'sweep-plot']) {
        const gd = document.querySelector('#' + id + ' .js-plotly-plot');
        if (!gd || gd.offsetParent === null) continue;  // a hidden tab draws nothing to overlap
        const groups = {'.g-xtitle': 'xtitle', '.g-ytitle': 'ytitle', '.legend .traces': 'legend',
                        '.colorbar .cbtitle': 'cbtitle', '.colorbar .cbaxis .tick': 'cbticks',
                        '.annotation': 'rowname', '.xtick': 'xticks', '.ytick': 'yticks'};
        for (const [selector, group] of Object.entries(groups)) {
            gd.querySelectorAll(selector).forEach((element, k) => {
                const text = element.querySelector('text') || element;
                const r = text.getBoundingClientRect();
                if (r.width > 0 && r.height > 0 && (text.textContent || '').trim())
                    boxes.push({graph: id, group, k, text: text.textContent.trim(),
                                box: [r.left, r.top, r.right, r.bottom]});
            });
        }
    }
    return boxes;
}"""


def overlaps(boxes: list[dict]) -> list[tuple[str, str]]:
    """Pairs of text boxes of different groups in one graph that intersect by more than a pixel."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["graph"] != b["graph"] or a["group"] == b["group"]:
                continue
            (l1, t1, r1, b1), (l2, t2, r2, b2) = a["box"], b["box"]
            if min(r1, r2) - max(l1, l2) > 1 and min(b1, b2) - max(t1, t2) > 1:
                found.append((f"{a['group']} {a['text']!r}", f"{b['group']} {b['text']!r}"))
    return found


@pytest.mark.parametrize("screen_page", PROJECTORS, indirect=True, ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_presentation_mode_gives_the_contour_a_third_of_the_screen_and_fits_everything(live_server, screen_page,
                                                                                      lang):
    """It was 351×351 px at 1366×768, about 12% of the screen, with a four-line caption above it."""
    lesson = LESSONS["second-order"]
    open_at_the_end(screen_page, live_server, lesson_link(lesson) + f"&present=1&lang={lang}")
    sizes = screen_page.evaluate(READ_SIZES)
    assert sizes["plot"] >= 0.30 * sizes["screen"], sizes
    assert sizes["overflow"] <= 0 and sizes["scroll"] <= 0, sizes  # nothing scrolls
    assert sizes["playerInside"] and sizes["captionInside"] and sizes["curvesInside"], sizes
    width = screen_page.viewport_size["width"]
    screen_page.screenshot(path=str(SHOTS / f"present-{lang}-{width}.png"))


@pytest.mark.parametrize("slug", ["second-order", "pendulum", "warm-up", "adagrad-bursts", "stability-edge",
                                  "momentum-phase", "fair-race"])
@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_no_text_overlaps_another_in_presentation_mode(live_server, screen_page, slug, lang):
    """The x-axis title overlapped the legend ('Adam' in lesson 8, 動量 in zh-TW), and rotated row titles of the
    curves ran into each other."""
    open_at_the_end(screen_page, live_server, lesson_link(LESSONS[slug]) + f"&present=1&lang={lang}")
    assert overlaps(screen_page.evaluate(READ_TEXT_BOXES)) == []


READ_SWEEP_SIZES = """() => {
    const size = (id) => { const gd = document.querySelector('#' + id + ' .js-plotly-plot');
        const s = gd._fullLayout._size; const r = gd.getBoundingClientRect();
        return {area: s.w * s.h, box: [r.left, r.top, r.right, r.bottom], visible: gd.offsetParent !== null}; };
    return {sweep: size('sweep-plot'), contour: size('contour'), screen: innerWidth * innerHeight,
            caption: document.querySelector('#lesson-caption').getBoundingClientRect().bottom,
            overflow: document.documentElement.scrollWidth - innerWidth,
            scroll: document.documentElement.scrollHeight - innerHeight};
}"""


@pytest.mark.parametrize("screen_page", PROJECTORS, indirect=True, ids=["1366x768", "1920x1080"])
@pytest.mark.parametrize("slug", ["momentum-phase", "fair-race"])
def test_a_sweep_lesson_gives_the_sweep_the_large_place_on_the_projector(live_server, screen_page, slug):
    """The sweep is the lesson's picture: presentation mode gives it the contour's third of the screen and puts the
    contour beside the caption; the curves tab brings the curves there instead."""
    open_at_the_end(screen_page, live_server, lesson_link(LESSONS[slug]) + "&present=1")
    screen_page.wait_for_function("() => document.querySelector('#sweep-plot .js-plotly-plot')._fullData.length")
    sizes = screen_page.evaluate(READ_SWEEP_SIZES)
    assert sizes["sweep"]["visible"] and sizes["sweep"]["area"] >= 0.2 * sizes["screen"], sizes
    assert sizes["contour"]["visible"] and sizes["contour"]["box"][1] >= sizes["caption"] - 1, sizes  # below it
    assert sizes["contour"]["box"][0] > sizes["sweep"]["box"][2], sizes  # beside the sweep, to its right
    assert sizes["overflow"] <= 0 and sizes["scroll"] <= 0, sizes
    width = screen_page.viewport_size["width"]
    screen_page.screenshot(path=str(SHOTS / f"lesson-{slug}-present-{width}.png"))
    screen_page.click("#panel-tabs [data-tab=curves]")
    screen_page.wait_for_timeout(300)
    assert screen_page.locator("#curves").is_visible() and not screen_page.locator("#sweep-plot").is_visible()


@pytest.mark.parametrize("screen_page", ["phone"], indirect=True)
def test_a_phone_shows_a_sweep_under_the_contour_without_scrolling_sideways(live_server, screen_page):
    open_at_the_end(screen_page, live_server, lesson_link(LESSONS["fair-race"]))
    screen_page.wait_for_function("() => document.querySelector('#sweep-plot .js-plotly-plot')._fullData.length")
    sizes = screen_page.evaluate(READ_SWEEP_SIZES)
    assert sizes["overflow"] <= 0, sizes
    assert sizes["sweep"]["visible"] and sizes["sweep"]["box"][1] > sizes["contour"]["box"][3], sizes
    assert sizes["sweep"]["box"][2] - sizes["sweep"]["box"][0] >= 370, sizes  # the phone's full width
    screen_page.locator("#sweep-plot").scroll_into_view_if_needed()
    screen_page.screenshot(path=str(SHOTS / "sweep-phone-390x844.png"), full_page=True)


def test_the_caption_folds_to_its_title_and_back(live_server, screen_page):
    lesson = LESSONS["adagrad-bursts"]
    open_at_the_end(screen_page, live_server, lesson_link(lesson) + "&present=1")
    caption = screen_page.locator("#lesson-caption")
    text = caption.locator("p").first
    tall = screen_page.locator("#curves-box").bounding_box()["height"]
    assert text.is_visible()
    screen_page.keyboard.press("c")
    screen_page.wait_for_timeout(400)
    assert not text.is_visible() and caption.locator("h2").is_visible()
    taller = screen_page.locator("#curves-box").bounding_box()["height"]
    assert taller > tall + 100  # the curves take the room it leaves
    screen_page.click("#lesson-caption h2")
    screen_page.wait_for_timeout(400)
    assert text.is_visible()


# -- phones --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("screen_page", ["phone"], indirect=True)
@pytest.mark.parametrize("query", ["", "present=1"], ids=["page", "present"])
def test_a_phone_gets_one_column_with_the_contour_first(live_server, screen_page, query):
    """At 390×844 the runs took 264 of the 390 px, the contour was 57 px wide and the player ran off the edge."""
    lesson_query = lesson_link(LESSONS["second-order"]) + ("&" + query if query else "")
    open_at_the_end(screen_page, live_server, lesson_query)
    sizes = screen_page.evaluate(READ_SIZES)
    assert sizes["overflow"] <= 0, sizes  # no horizontal scrolling
    assert sizes["plotWidth"] >= 340, sizes
    assert sizes["playerInside"], sizes
    order = screen_page.evaluate("""() => ['#contour', '#player', '#curves-box'].map(
        (s) => document.querySelector(s).getBoundingClientRect().top)""")
    assert order == sorted(order)  # the contour, then the player, then the curves
    if query:
        assert screen_page.locator("#lesson-caption").evaluate("c => c.classList.contains('collapsed')")
    else:
        cards = screen_page.locator(".run-card")
        assert cards.count() == 5 and all(cards.nth(k).bounding_box()["height"] < 60 for k in range(5))
        screen_page.locator(".run-card .run-open").first.tap()
        assert cards.first.bounding_box()["height"] > 150  # opened
        assert cards.nth(1).bounding_box()["height"] < 60
    screen_page.screenshot(path=str(SHOTS / f"phone-{'present' if query else 'page'}-390x844.png"), full_page=True)


@pytest.mark.parametrize("screen_page", ["phone"], indirect=True)
def test_a_tap_on_the_contour_sets_the_start_on_a_phone(live_server, screen_page):
    open_at_the_end(screen_page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    area = screen_page.locator("#contour .nsewdrag").first.bounding_box()
    ranges = screen_page.evaluate("""() => { const l = document.querySelector('#contour .js-plotly-plot')._fullLayout;
        return [l.xaxis.range, l.yaxis.range]; }""")
    previous = screen_page.evaluate("descentLab.player.query")
    screen_page.touchscreen.tap(area["x"] + 0.25 * area["width"], area["y"] + 0.6 * area["height"])
    query = wait_for_result(screen_page, previous)
    (x0, x1), (y0, y1) = ranges
    start = parse(query)[0].start
    pixel = (x1 - x0) / area["width"]
    assert start == pytest.approx((x0 + 0.25 * (x1 - x0), y1 - 0.6 * (y1 - y0)), abs=3 * pixel)


# -- the landscape follows the zoom ----------------------------------------------------------------------------------

READ_LANDSCAPE = """() => {
    const gd = document.querySelector('#contour .js-plotly-plot');
    const levels = gd._fullData.filter((t) => t.meta && t.meta.role === 'level');
    const points = levels.flatMap((t) => Array.from(t.x).map((x, i) => [x, t.y[i]])).filter((p) => isFinite(p[0]));
    return {box: gd.layout.meta.landscape, image: gd.layout.images[0].source.length, points,
            x: gd._fullLayout.xaxis.range.slice(), y: gd._fullLayout.yaxis.range.slice()};
}"""


def test_a_zoom_brings_a_landscape_of_its_own_box_and_the_default_view_asks_for_none(live_server, screen_page):
    """Zooming in showed a blank white plot: the landscape was computed once, for the surface's box."""
    asked = []  # the callback requests a zoom set off

    def note(request):
        if "_dash-update-component" in request.url and request.post_data:
            changed = json.loads(request.post_data).get("changedPropIds", [])
            if changed == ["zoom-box.data"]:
                asked.append(request)

    screen_page.on("request", note)
    open_at_the_end(screen_page, live_server, "surface=rosenbrock&steps=200&opt=adam(lr=0.05)")
    screen_page.wait_for_timeout(800)
    home = screen_page.evaluate(READ_LANDSCAPE)
    assert home["box"] == [-2, 2, -1, 3] and asked == []  # the default view came with the result
    screen_page.evaluate("""() => Plotly.relayout(document.querySelector('#contour .js-plotly-plot'),
        {'xaxis.range': [0.998, 1.002], 'yaxis.range': [0.998, 1.002]})""")
    screen_page.wait_for_function("""() => document.querySelector('#contour .js-plotly-plot').layout.meta
        .landscape[0] > 0.99""", timeout=20_000)
    zoomed = screen_page.evaluate(READ_LANDSCAPE)
    assert zoomed["box"] == [0.998, 1.002, 0.998, 1.002]
    inside = [p for p in zoomed["points"] if 0.998 <= p[0] <= 1.002 and 0.998 <= p[1] <= 1.002]
    assert len(inside) > 100  # level lines, densely, where there were none
    assert "view=0.998,1.002,0.998,1.002" in screen_page.url
    assert len(asked) == 1  # one small request, for the landscape only


# -- the view keeps what matters in sight ------------------------------------------------------------------------------

def test_a_start_far_outside_the_surface_widens_the_view_to_take_it_in(live_server, screen_page):
    """A start clamped to (1000, 2) left the view at [−2, 2]: an empty plot, with nothing saying why."""
    open_at_the_end(screen_page, live_server, "surface=rosenbrock&start=1000,2&steps=50&opt=gd(lr=1e-4)")
    screen = read_screen(screen_page)
    assert screen.inside(screen.start) and screen.inside((1.0, 1.0))  # the start and the minimum are both in


def test_paths_leaving_the_view_are_said_to_and_fit_paths_takes_them_in(live_server, screen_page):
    open_at_the_end(screen_page, live_server, lesson_link(LESSONS["lr-limit"]))
    notice = screen_page.locator("#view-notice")
    notice.wait_for(state="visible")
    assert notice.inner_text().startswith("1 of 3 paths leave the view")
    screen_page.click("#fit-paths")
    notice.wait_for(state="hidden", timeout=10_000)
    screen = read_screen(screen_page)
    assert all(screen.inside(path).all() for path in screen.paths)


# -- every input explains itself ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "typed", "said", "kept"), [
    ("lr", "abc", "lr='abc' is not a finite number; using 0.01", "0.01"),
    ("lr", "", "lr was left empty; keeping 0.01", "0.01"),
    ("steps", "2.5", "steps='2.5' is not a whole number; using 2", "2"),
    ("steps", "lots", "steps='lots' is not a finite number; using 40", "40"),
])
def test_an_unreadable_or_empty_entry_gets_a_message_not_silence(live_server, screen_page, field, typed, said, kept):
    """'abc', an emptied field and steps=2.5 used to snap back without a word."""
    from tests.browser import run_field

    open_at_the_end(screen_page, live_server, "surface=ellipse&steps=40&opt=gd(lr=0.01)")
    box = run_field(screen_page, 0, "lr") if field == "lr" else screen_page.locator("#steps")
    box.fill(typed)
    box.press("Enter")
    screen_page.locator("#messages li").first.wait_for(timeout=10_000)
    assert said in screen_page.locator("#messages").inner_text()
    field_now = run_field(screen_page, 0, "lr") if field == "lr" else screen_page.locator("#steps")
    screen_page.wait_for_function("([el, v]) => el.value === v", arg=[field_now.element_handle(), kept])


def test_the_add_button_is_disabled_at_twelve_runs_and_says_why(live_server, screen_page):
    twelve = "&".join(f"opt=gd(lr={0.001 * (k + 1)!r})" for k in range(12))
    open_at_the_end(screen_page, live_server, f"surface=ellipse&steps=20&{twelve}")
    button = screen_page.locator("#add-run")
    assert button.is_disabled()
    assert "at most 12 runs" in button.get_attribute("title")
    screen_page.locator(".run-card .i-remove").first.click()
    screen_page.wait_for_function("() => !document.getElementById('add-run').disabled", timeout=10_000)


def test_one_arrow_key_on_the_lr_slider_moves_the_rate_by_at_most_ten_percent(live_server, screen_page):
    """The slider was coarse: a 40 px drag moved lr from 0.05 to 0.000245."""
    from tests.browser import run_field

    open_at_the_end(screen_page, live_server, "surface=ellipse&steps=20&opt=gd(lr=0.05)")
    handle = screen_page.locator(".lr-slider [role=slider]").first
    handle.focus()
    handle.press("ArrowRight")
    screen_page.wait_for_function("() => document.querySelector('input[id*=\\'\"field\":\"lr\"\\']').value !== '0.05'")
    moved = float(run_field(screen_page, 0, "lr").input_value())
    assert 1.0 < moved / 0.05 <= 1.1


# -- language and playback ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("switch", ["lang", "present"])
def test_switching_language_or_presentation_keeps_the_step_and_the_play_state(live_server, screen_page, switch):
    """Switching language or entering Present while playing restarted playback from step 0."""
    open_at_the_end(screen_page, live_server, "surface=ellipse&steps=2000&opt=gd(lr=0.001)")
    screen_page.evaluate("() => { descentLab.seek(700); descentLab.play(); }")
    if switch == "lang":
        screen_page.click("button[data-lang='zh-CN']")
    else:
        screen_page.click("#toggle-present")
    screen_page.wait_for_function("() => window.descentLab && descentLab.player.frames > 0 && descentLab.player.query"
                                  " && descentLab.player.playing", timeout=30_000)
    step = screen_page.evaluate("descentLab.player.step")
    assert 700 <= step < 1800  # it went on from where it was, not from 0
    screen_page.evaluate("() => descentLab.pause()")
    paused_at = screen_page.evaluate("descentLab.player.step")
    screen_page.click("button[data-lang='en']" if switch == "lang" else "#toggle-present")
    screen_page.wait_for_function("() => window.descentLab && descentLab.player.frames > 0 && descentLab.player.query",
                                  timeout=30_000)
    screen_page.wait_for_timeout(300)
    assert screen_page.evaluate("descentLab.player.step") == paused_at
    assert not screen_page.evaluate("descentLab.player.playing")


def test_a_chinese_page_names_unlabelled_runs_in_chinese(live_server, screen_page):
    """Default run labels ('gd lr=0.001') stayed English on a Chinese page."""
    open_at_the_end(screen_page, live_server, "surface=ellipse&steps=20&opt=gd(lr=0.001)&lang=zh-CN")
    legend = screen_page.locator("#contour .legend").text_content()
    assert "梯度下降 η=0.001" in legend and "gd lr" not in legend
