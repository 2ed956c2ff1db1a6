"""The course in the page: the lessons menu grouped by note with summaries, the clicker across notes, and the
caption's link to the next lesson, in headless Chromium against `python app.py`."""

from __future__ import annotations

import pytest

from experiments.lessons import LESSONS, course, lesson_link, next_lesson
from tests.browser import open_app, wait_for_result
from ui.i18n import Text

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", ["en", "zh-TW"])
def test_the_menu_is_the_course_with_a_heading_per_note_and_a_summary_per_lesson(live_server, page, lang):
    t = Text(lang)
    open_app(page, live_server, lesson_link(LESSONS["pendulum"]) + f"&lang={lang}")
    page.click("#lessons summary")
    groups = [(note, lessons) for note, lessons in course() if lessons]
    headings = page.locator(".lesson-list .note-heading")
    assert headings.all_inner_texts() == [t("course-note", n=note.number, title=note.title[lang])
                                          for note, _ in groups]
    assert headings.first.is_visible()
    for k, (_, lessons) in enumerate(groups):  # each heading is followed by its note's lessons
        group = page.locator(".lesson-list .note").nth(k)
        assert group.locator(".title").all_inner_texts() == [lesson.title[lang] for lesson in lessons]
    links = page.locator(".lesson-list a")  # what the clicker walks: one list, in course order
    assert links.count() == len(LESSONS)
    hrefs = [links.nth(k).get_attribute("href") for k in range(links.count())]
    assert hrefs == ["?" + lesson_link(lesson) + f"&lang={lang}" for lesson in LESSONS.values()]
    assert page.locator(".lesson-list .summary").all_inner_texts() == [lesson.summary[lang]
                                                                      for lesson in LESSONS.values()]
    numbers = page.locator(".lesson-list .number").all_inner_texts()
    assert numbers == [str(n) for n in range(1, len(LESSONS) + 1)]
    current = page.locator(".lesson-list a.current")
    assert current.count() == 1 and current.get_attribute("href") == "?" + lesson_link(LESSONS["pendulum"]) + \
        f"&lang={lang}"


def test_the_clicker_goes_from_the_last_lesson_of_a_note_to_the_first_of_the_next(live_server, page):
    groups = {note.number: lessons for note, lessons in course()}
    last, first = groups["000"][-1], groups["001"][0]
    open_app(page, live_server, lesson_link(last) + "&present=1")
    page.keyboard.press("PageDown")
    assert wait_for_result(page, None) == first.query
    assert f"lesson={first.slug}" in page.url and "present=1" in page.url
    page.keyboard.press("PageUp")
    assert wait_for_result(page, None) == last.query


def test_the_captions_next_link_opens_the_next_lesson_and_the_last_has_none(live_server, page):
    slugs = list(LESSONS)
    here = LESSONS[slugs[0]]
    following = next_lesson(here.slug)
    open_app(page, live_server, lesson_link(here) + "&lang=zh-CN&present=1")
    link = page.locator("#lesson-caption a.next")
    assert link.is_visible()
    assert link.inner_text() == Text("zh-CN")("next-lesson", title=following.title["zh-CN"])
    assert link.get_attribute("href") == "?" + lesson_link(following) + "&lang=zh-CN&present=1"
    link.click()
    assert wait_for_result(page, None) == following.query
    assert page.locator("#lesson-caption h2").inner_text().endswith(following.title["zh-CN"])
    assert "lang=zh-CN" in page.url and "present=1" in page.url

    open_app(page, live_server, lesson_link(LESSONS[slugs[-1]]))
    assert page.locator("#lesson-caption").is_visible()
    assert page.locator("#lesson-caption a.next").count() == 0
