"""Every screen a class uses, in real Chromium: the projector (presentation mode at 1366×768 and 1920×1080) and a
390×844 phone with touch. Each lesson's phenomenon must be visible, not only happen: its on-screen check reads
what the page drew."""

from __future__ import annotations

from pathlib import Path

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


def open_at_the_end(page, server: str, query: str) -> None:
    page.goto(f"{server}/?{query}")
    wait_for_result(page, None)
    page.evaluate("() => { descentLab.pause(); descentLab.seek(descentLab.player.steps); }")
    page.wait_for_function("() => descentLab.draw()")  # drawn at the last step, after any pending relayout
    page.wait_for_timeout(300)


# -- each lesson's phenomenon is on screen, in presentation mode ----------------------------------------------------

@pytest.mark.parametrize("slug", list(LESSONS))
def test_each_lesson_shows_its_phenomenon_on_the_projector(live_server, screen_page, slug):
    lesson = LESSONS[slug]
    open_at_the_end(screen_page, live_server, lesson_link(lesson) + "&present=1")
    screen = read_screen(screen_page)
    SHOTS.mkdir(exist_ok=True)
    screen_page.screenshot(path=str(SHOTS / f"lesson-{slug}-present-1366x768.png"))
    problems = lesson.screen(screen, run(parse(lesson.query)[0]))
    assert problems == [], problems


@pytest.mark.parametrize(("slug", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_an_on_screen_check_fails_where_the_phenomenon_is_gone(live_server, screen_page, slug, old, new):
    lesson = LESSONS[slug]
    experiment, _ = parse(lesson.query.replace(old, new))
    open_at_the_end(screen_page, live_server, to_query(experiment, View(zoom=lesson.view, present=True)))
    problems = lesson.screen(read_screen(screen_page), run(experiment))
    assert problems, f"{slug}: the on-screen check passed a link that should not show the phenomenon"


def test_the_adagrad_lesson_frames_its_bursts_where_the_default_view_hid_them(live_server, screen_page):
    """At the default view (±5) the bursts were a blip of ±0.5, and the loss axis ran from 1 to 10⁻²⁷."""
    lesson = LESSONS["adagrad-bursts"]
    open_at_the_end(screen_page, live_server, lesson.query + "&present=1")  # the experiment without its framing
    problems = lesson.screen(read_screen(screen_page), run(parse(lesson.query)[0]))
    assert any("bursts across the valley span" in p for p in problems), problems
