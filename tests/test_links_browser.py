"""Links, lessons, presentation, languages and downloads, in headless Chromium against `python app.py`."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from experiments import run
from experiments.lessons import LESSONS, lesson_link
from experiments.url import parse, parse_view
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES
from tests.browser import as_float32, choose, current_query, enter, open_app, run_field, traces, wait_for_result
from ui.i18n import catalogue, declared_texts

pytestmark = pytest.mark.browser
ZH_URL_WORDS = {"descent", "lab", "csv", "html", "svg", "english", "home", "end", "pytorch", "lr"}


def _address(page) -> str:
    """The query in the address bar once the player has written it (writes are coalesced for 100 ms)."""
    page.wait_for_timeout(250)
    return page.evaluate("window.location.search.slice(1)")


def _drawn_equals_engine(page, result) -> None:
    paths = traces(page, "contour", "path")
    losses = [t for t in traces(page, "curves", "curve") if t["meta"]["row"] == "loss"]
    assert len(paths) == len(losses) == len(result.runs)
    for path, loss, rr in zip(paths, losses, result.runs, strict=True):
        assert path["name"].startswith(rr.run.name.replace("&", "&amp;"))
        steps = np.asarray(loss["x"], dtype=int)
        assert steps[0] == 0 and steps[-1] == len(rr.points) - 1
        np.testing.assert_array_equal(as_float32(path["x"]), rr.points[steps, 0].astype(np.float32))
        np.testing.assert_array_equal(as_float32(path["y"]), rr.points[steps, 1].astype(np.float32))


@pytest.mark.parametrize("slug", list(LESSONS))
def test_each_lesson_link_draws_the_engines_result_with_its_caption(live_server, page, slug):
    lesson = LESSONS[slug]
    open_app(page, live_server, lesson_link(lesson))
    assert current_query(page) == lesson.query
    result = run(parse(lesson.query)[0])
    _drawn_equals_engine(page, result)
    assert lesson.check(result) == []  # the picture on screen is the phenomenon the lesson names
    caption = page.locator("#lesson-caption")
    assert caption.is_visible()
    assert lesson.title["en"] in caption.inner_text() and lesson.caption["en"] in caption.inner_text()
    assert page.locator(".lesson-list a.current").count() == 1


def test_the_gallery_opens_a_lesson(live_server, page):
    open_app(page, live_server, "surface=saddle&steps=50&opt=gd(lr=0.01)")
    page.click("#lessons summary")
    links = page.locator(".lesson-list a")
    assert links.count() == len(LESSONS)
    first = current_query(page)
    links.nth(1).click()
    assert wait_for_result(page, first) == LESSONS[list(LESSONS)[1]].query
    assert page.locator("#lesson-caption h2").inner_text().endswith(LESSONS[list(LESSONS)[1]].title["en"])


def test_a_changed_control_and_the_step_survive_in_a_fresh_page(live_server, page, browser):
    open_app(page, live_server, "surface=rosenbrock&steps=300&opt=gd(lr=0.001)&opt=adam(lr=0.05)")
    enter(page, run_field(page, 1, "lr"), "0.02")
    enter(page, run_field(page, 1, "beta1"), "0.8")
    page.click("#to-start")
    for _ in range(7):
        page.click("#step-forward")
    page.evaluate("""() => Plotly.relayout(document.querySelector('#contour .js-plotly-plot'),
                                           {'xaxis.range': [-1, 0.5], 'yaxis.range': [0.5, 2]})""")
    address = _address(page)
    experiment, _ = parse(address)
    view, warnings = parse_view(address)
    assert warnings == [] and view.step == 7 and view.zoom == (-1.0, 0.5, 0.5, 2.0)
    assert experiment.runs[1].lr == 0.02 and experiment.runs[1].hyper["beta1"] == 0.8
    assert address.startswith(current_query(page) + "&step=7&view=-1,0.5,0.5,2")

    fresh = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    try:
        open_app(fresh, live_server, address)
        assert current_query(fresh) == current_query(page)
        assert fresh.evaluate("descentLab.player.step") == 7
        assert not fresh.evaluate("descentLab.player.playing")  # a link with a step opens paused there
        assert fresh.locator("#step-readout").inner_text() == "step 7 / 300"
        assert float(run_field(fresh, 1, "lr").input_value()) == 0.02
        assert float(run_field(fresh, 1, "beta1").input_value()) == 0.8
        assert _address(fresh) == address
        ranges = fresh.evaluate("""() => { const l = document.querySelector('#contour .js-plotly-plot')._fullLayout;
                                           return [l.xaxis.range, l.yaxis.range]; }""")
        assert ranges == [[-1, 0.5], [0.5, 2]]  # the zoom came along
        heads = fresh.evaluate("""() => descentLab.player.runs.map(r => [r.x[7], r.y[7]])""")
        result = run(experiment)
        for (x, y), rr in zip(heads, result.runs, strict=True):
            assert (np.float32(x), np.float32(y)) == tuple(rr.points[7].astype(np.float32))
    finally:
        fresh.context.close()


def test_playing_drops_the_step_and_pausing_writes_it(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=2000&opt=gd(lr=0.01)")
    assert page.evaluate("descentLab.player.playing")
    assert "step=" not in _address(page)
    page.keyboard.press("Space")
    step = page.evaluate("descentLab.player.step")
    assert f"&step={step}" in _address(page)
    history = page.evaluate("history.length")
    page.keyboard.press("ArrowRight")
    assert f"&step={step + 1}" in _address(page)
    assert page.evaluate("history.length") == history  # replaceState: no history entry per change


def test_a_damaged_link_says_what_the_page_did_instead(live_server, page):
    open_app(page, live_server, "surface=nowhere&steps=abc&opt=adam(lr=-1)&opt=warp(lr=1)&hide=bogus&lang=xx"
                                "&lesson=nope&step=-4")
    text = page.locator("#messages").inner_text()
    assert "This link or entry had problems" in text
    assert "unknown surface 'nowhere'; using rosenbrock" in text
    assert "unknown optimizer 'warp'" in text
    assert "'bogus'" in text and "'nope'" in text and "'xx'" in text
    assert "adam" in text and "lr" in text
    assert current_query(page).startswith("surface=rosenbrock&")
    assert "hide=" not in _address(page) and "lesson=" not in _address(page)


def test_presentation_mode_shows_the_plots_caption_and_player_large(live_server, page):
    lesson = LESSONS["zigzag"]
    open_app(page, live_server, lesson_link(lesson))
    normal_font = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    normal_plot = page.locator("#contour").bounding_box()
    page.click("#toggle-present")
    wait_for_result(page, None)
    assert "present=1" in page.url
    for hidden in ("#runs-panel", "#surface-field", "#steps-field", "#results", "#download-csv"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("#lesson-caption", "#player", "#contour", "#curves", "#play"):
        assert page.locator(shown).is_visible(), shown
    big_font = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert big_font >= 1.3 * normal_font
    assert page.locator("#contour").bounding_box()["width"] > 1.2 * normal_plot["width"]
    plot_font = page.evaluate("document.querySelector('#contour .js-plotly-plot')._fullLayout.font.size")
    assert plot_font == round(big_font)
    page.screenshot(path="screenshots/present-1366x768.png")
    page.click("#toggle-present")  # leave: everything is back, the experiment unchanged
    wait_for_result(page, None)
    assert "present" not in page.url and page.locator("#runs-panel").is_visible()
    assert current_query(page) == lesson.query


def test_hide_takes_a_comma_list_for_embedding(live_server, page):
    open_app(page, live_server, "surface=saddle&steps=60&opt=gd(lr=0.05)&hide=runs,results,share,lessons,language")
    for hidden in ("#runs-panel", "#results", "#share", "#lessons", "#language"):
        assert not page.locator(hidden).is_visible(), hidden
    for shown in ("#surface-field", "#steps-field", "#player", "#curves"):
        assert page.locator(shown).is_visible(), shown
    assert _address(page).endswith("&hide=language,lessons,results,runs,share")


def _english_words() -> set[str]:
    """Words of the English interface: the catalogue's strings and the declarations' titles, labels and help."""
    texts = [re.sub(r"\{\w+\}", " ", value) for value in catalogue("en")["ui"].values()] + declared_texts()
    words = {w.lower() for text in texts for w in re.findall(r"[A-Za-z]{3,}", text)}
    proper = {"adam", "adamw", "nadam", "radam", "adamax", "adagrad", "rmsprop", "adadelta", "lamb", "sgd",
              "bfgs", "nesterov", "newton", "rosenbrock", "himmelblau", "beale", "rastrigin", "hessian", "amsgrad",
              "levenberg", "smith", "torch", "lmax", "max", "min", "exp", "cos", "goh"}
    # Keys of the link, which are torch's parameter names so settings carry over: shown beside their translation.
    keys = {part for owner in [*SURFACES.values(), *OPTIMIZERS.values(), *SCHEDULES.values()]
            for p in owner.params for part in p.name.lower().split("_")}
    return words - proper - keys - ZH_URL_WORDS


@pytest.mark.parametrize("lang", ["zh-CN", "zh-TW"])
def test_a_chinese_page_shows_no_english_interface_strings(live_server, page, lang):
    open_app(page, live_server, f"surface=rosenbrock&steps=200&opt=gd(lr=0.001,label=A)&opt=adam(lr=0.05,label=B)"
                                f"&opt=sgd(lr=0.001,schedule=cosine,label=C)&lang={lang}")
    page.click("#to-end")
    for summary in page.locator(".rule summary").all():  # the update rules, with their notes
        summary.click()
    page.hover("#play")
    english = _english_words()
    visible = page.locator("body").inner_text()
    shown_words = {w.lower() for w in re.findall(r"[A-Za-z]{3,}", visible)}
    assert shown_words & english == set(), f"English on the {lang} page"
    titles = page.evaluate("""() => Array.from(document.querySelectorAll('[title], [data-title], [aria-label]'))
        .map(e => [e.getAttribute('title'), e.getAttribute('data-title'), e.getAttribute('aria-label')].join(' '))""")
    title_words = {w.lower() for t in titles for w in re.findall(r"[A-Za-z]{3,}", t)}
    assert title_words & english == set(), "English in hover text or the modebar"
    # The curves' step axis has a title; each row is named by an annotation inside it (loss, ‖∇f‖, lr).
    axis_titles = page.evaluate("""() => {
        const l = document.querySelector('#curves .js-plotly-plot').layout;
        return Object.keys(l).filter(k => /^[xy]axis/.test(k) && l[k].title && l[k].title.text)
            .map(k => l[k].title.text).concat((l.annotations || []).map(a => a.text)); }""")
    assert len(axis_titles) == 4 and all(re.search(r"[\u4e00-\u9fff]|‖∇f‖", t) for t in axis_titles), axis_titles
    modebar = page.evaluate("""() => Array.from(document.querySelectorAll('#contour .modebar-btn'))
        .map(b => b.getAttribute('data-title'))""")
    assert modebar and all(re.search(r"[\u4e00-\u9fff]", t) for t in modebar), modebar
    assert page.locator("#app").get_attribute("lang") == lang
    page.screenshot(path=f"screenshots/{lang}-1366x768.png")


def test_the_browser_language_is_used_without_lang(live_server, browser):
    context = browser.new_context(locale="zh-TW", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        open_app(page, live_server, "surface=saddle&steps=40&opt=gd(lr=0.05)")
        assert page.locator("#copy-link").inner_text() == "複製連結"
        assert "lang=" not in page.evaluate("window.location.search")  # the link stays language-neutral
    finally:
        context.close()


def test_language_buttons_switch_and_keep_the_experiment(live_server, page):
    open_app(page, live_server, "surface=crescent&steps=80&opt=rmsprop(lr=0.01)")
    query = current_query(page)
    page.click("button[data-lang='zh-CN']")
    wait_for_result(page, None)
    assert current_query(page) == query and "lang=zh-CN" in page.url
    assert page.locator("#add-run").inner_text() == "+ 添加一次运行"
    page.click("button[data-lang='en']")
    wait_for_result(page, None)
    assert page.locator("#add-run").inner_text() == "+ add a run" and current_query(page) == query


def test_copy_link_puts_the_address_on_the_clipboard(live_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    try:
        open_app(page, live_server, "surface=ellipse&steps=100&opt=momentum(lr=0.01)")
        page.keyboard.press("End")
        page.click("#copy-link")
        page.wait_for_function("document.querySelector('#copy-link').textContent === 'Link copied'")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.url and copied.endswith("&step=100")
        assert parse(copied)[1] == []
    finally:
        context.close()


def test_download_csv_is_the_tidy_table(live_server, page, tmp_path):
    open_app(page, live_server, "surface=saddle&steps=120&opt=gd(lr=0.05)&opt=sgd(lr=0.05,noise=0.1)")
    with page.expect_download() as download:
        # Busy from the click until the file is saved (read in the click's own tick, before any reply).
        assert page.evaluate("""() => { const b = document.querySelector('#download-csv'); b.click();
                                        return [b.disabled, b.classList.contains('busy')]; }""") == [True, True]
    page.wait_for_function("!document.querySelector('#download-csv').disabled")
    assert "busy" not in page.locator("#download-csv").get_attribute("class")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "descent-lab-saddle.csv"
    table = pd.read_csv(path)
    expected = run(parse(current_query(page))[0]).to_frame()
    assert list(table.columns) == list(expected.columns) and len(table) == len(expected) == 2 * 121
    np.testing.assert_allclose(table["loss"].to_numpy(), expected["loss"].to_numpy(), rtol=1e-15)
    np.testing.assert_allclose(table["x"].to_numpy(), expected["x"].to_numpy(), rtol=1e-15)


def test_download_html_is_a_standalone_page(live_server, page, browser, tmp_path):
    open_app(page, live_server, lesson_link(LESSONS["pendulum"]) + "&lang=zh-CN")
    with page.expect_download() as download:
        page.click("#download-html")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    html = path.read_text(encoding="utf-8")
    assert path.suffix == ".html" and len(html) > 1_000_000  # plotly.js is inside
    assert LESSONS["pendulum"].title["zh-CN"] in html
    offline = browser.new_context()
    requests = []
    offline.route("**/*", lambda route: requests.append(route.request.url) or (
        route.continue_() if route.request.url.startswith("file://") else route.abort()))
    try:
        viewer = offline.new_page()
        viewer.goto(path.as_uri())
        viewer.wait_for_function("document.querySelector('.js-plotly-plot') && "
                                 "document.querySelector('.js-plotly-plot').data.length > 0")
        assert all(url.startswith("file://") for url in requests)
    finally:
        offline.close()


def test_a_damaged_link_is_explained_in_the_pages_language(live_server, page):
    open_app(page, live_server, "surface=nowhere&opt=adam(lr=-1)&lang=zh-TW")
    text = page.locator("#messages").inner_text()
    assert "這個連結或輸入有問題" in text and "未知的曲面 'nowhere'；改用 rosenbrock" in text
    assert "adam: lr=-1.0 小於下限 1e-08；改用 1e-08" in text


def test_an_edited_lesson_drops_its_key_and_offers_the_way_back(live_server, page):
    lesson = LESSONS["pendulum"]
    open_app(page, live_server, lesson_link(lesson) + "&present=1&lang=zh-CN")
    assert "lesson=pendulum" in _address(page)
    menu = page.locator(".lesson-list a").nth(0).get_attribute("href")
    assert menu.endswith("&lang=zh-CN&present=1")  # the gallery keeps the language and presentation mode
    page.click("#toggle-present")  # back to the controls (a reload that keeps the lesson)
    wait_for_result(page, None)
    enter(page, run_field(page, 0, "lr"), "0.02")
    address = _address(page)
    assert "lesson=" not in address and "lang=zh-CN" in address and "opt=momentum(lr=0.02" in address
    assert "changed" in page.locator("#lesson-caption").get_attribute("class")
    back = page.locator("#lesson-caption a.back")
    assert back.is_visible()
    back.click()
    assert wait_for_result(page, None) == lesson.query
    assert "changed" not in (page.locator("#lesson-caption").get_attribute("class") or "")


def test_an_edit_is_in_the_address_before_its_result_arrives(live_server, page):
    open_app(page, live_server, "surface=ellipse&steps=100000&opt=gd(lr=0.001)&opt=adam(lr=0.01)")
    page.keyboard.press("End")
    run_field(page, 0, "lr").fill("0.002")
    run_field(page, 0, "lr").press("Enter")
    page.wait_for_function("window.location.search.includes('opt=gd(lr=0.002)')")
    assert "step=" not in page.evaluate("window.location.search")  # the new result will start from 0


def test_a_clickers_page_keys_move_between_lessons(live_server, page):
    slugs = list(LESSONS)
    open_app(page, live_server, lesson_link(LESSONS[slugs[1]]) + "&present=1&lang=zh-CN")
    page.keyboard.press("PageDown")
    assert wait_for_result(page, None) == LESSONS[slugs[2]].query
    assert "present=1" in page.url and "lang=zh-CN" in page.url
    page.keyboard.press("PageUp")
    assert wait_for_result(page, None) == LESSONS[slugs[1]].query


def test_an_unusable_zoom_is_refused_and_a_new_surface_drops_the_zoom(live_server, page):
    open_app(page, live_server, "surface=rosenbrock&steps=50&opt=gd(lr=0.001)&view=0,1e-300,0,1")
    assert "too small, too far out of shape or off the surface" in page.locator("#messages").inner_text()
    assert "view=" not in _address(page)
    open_app(page, live_server, "surface=rosenbrock&steps=50&opt=gd(lr=0.001)&view=-1,0,1,2")
    assert "&view=-1,0,1,2" in _address(page)
    previous = current_query(page)
    choose(page, page.locator("#surface"), SURFACES["saddle"].title)
    wait_for_result(page, previous)
    assert "view=" not in _address(page)
    ranges = page.evaluate("""() => { const l = document.querySelector('#contour .js-plotly-plot')._fullLayout;
                                      return [l.xaxis.range, l.yaxis.range]; }""")
    x0, x1, y0, y1 = parse(current_query(page))[0].make_surface().view()
    assert ranges[0] == pytest.approx([x0, x1]) or ranges[1] == pytest.approx([y0, y1])
