"""The course: lessons grouped by note in order, the way on to the next lesson, and which lesson shows each topic
of the notes (notes/README.md's table)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from experiments.lessons import LESSONS, NOTES, course, next_lesson, note_of
from experiments.lessons.course import coverage, note_topics, topic
from experiments.lessons.gallery import LESSONS as GALLERY
from tests.test_lessons import CJK, SIMPLIFIED_ONLY, TRADITIONAL_ONLY

ROOT = Path(__file__).resolve().parent.parent
NOTES_DIR = ROOT / "notes"
TOPICS = note_topics()  # parsed from notes/README.md itself


# -- the notes -----------------------------------------------------------------------------------------------------


def test_the_five_notes_in_order():
    assert [note.number for note in NOTES] == ["000", "001", "002", "003", "004"]
    assert [note.seed for note in NOTES] == sorted(p.name for p in NOTES_DIR.glob("00*.txt"))
    assert all(note.seed.startswith(note.number + "_") for note in NOTES)


@pytest.mark.parametrize("note", NOTES, ids=[note.number for note in NOTES])
def test_a_notes_titles_are_its_own(note):
    """English: the note's "what it is" in notes/README.md; Chinese: the article's title as the note spells it (000
    is in Traditional characters, the others in Simplified), and the same title in the other script."""
    assert tuple(note.title) == ("en", "zh-CN", "zh-TW")
    row = next(line for line in (NOTES_DIR / "README.md").read_text(encoding="utf-8").splitlines()
               if line.startswith(f"| {note.seed} |"))
    assert note.title["en"] in row.split("|")[2]
    own = "zh-TW" if note.number == "000" else "zh-CN"
    head = (NOTES_DIR / note.seed).read_text(encoding="utf-8")[:2000]
    assert note.title[own] in head, (own, note.title[own])
    for language, other_script in (("zh-CN", TRADITIONAL_ONLY), ("zh-TW", SIMPLIFIED_ONLY)):
        assert not {ch for ch in note.title[language] if ch in other_script}, (language, note.title[language])
    assert CJK.search(note.title["zh-CN"]) or note.title["zh-CN"] == note.title["zh-TW"]


# -- the course ----------------------------------------------------------------------------------------------------


def test_every_lesson_belongs_to_a_note():
    for lesson in GALLERY.values():
        assert note_of(lesson).seed == lesson.seed


def test_the_course_groups_the_lessons_by_note_in_note_order_and_gallery_order():
    groups = course()
    assert [note for note, _ in groups] == list(NOTES)
    gallery = list(GALLERY)
    for note, lessons in groups:
        assert all(lesson.seed == note.seed for lesson in lessons)
        positions = [gallery.index(lesson.slug) for lesson in lessons]
        assert positions == sorted(positions), note.number  # within a note: gallery order
    assert sorted(lesson.slug for _, lessons in groups for lesson in lessons) == sorted(gallery)
    assert all(lessons for _, lessons in groups)  # every note has a lesson


def test_the_course_keeps_the_order_it_is_given_within_a_note():
    backwards = list(GALLERY.values())[::-1]
    for (note, lessons), (_, forwards) in zip(course(backwards), course(), strict=True):
        assert lessons == forwards[::-1], note.number


def test_lessons_are_in_course_order():
    """So lesson numbers, the menu, the README's table and the clicker's page keys all follow the course."""
    assert list(LESSONS) == [lesson.slug for _, lessons in course() for lesson in lessons]
    numbers = [NOTES.index(note_of(lesson)) for lesson in LESSONS.values()]
    assert numbers == sorted(numbers)
    assert LESSONS.keys() == GALLERY.keys()


def test_next_lesson_walks_the_course_and_stops_after_the_last():
    slugs = list(LESSONS)
    for here, there in itertools.pairwise(slugs):
        assert next_lesson(here) is LESSONS[there]
    assert next_lesson(slugs[-1]) is None
    with pytest.raises(KeyError):
        next_lesson("no-such-lesson")


def test_next_lesson_crosses_from_one_note_to_the_next():
    groups = dict((note.number, lessons) for note, lessons in course())
    assert next_lesson(groups["000"][-1].slug) is groups["001"][0]


# -- topics and coverage -------------------------------------------------------------------------------------------


def test_topics_are_read_from_the_notes_readme():
    """Every note row of the table gives its third column's topics, split at "; ", in the file's order."""
    rows = [line for line in (NOTES_DIR / "README.md").read_text(encoding="utf-8").splitlines()
            if re.match(r"\| 00\d_", line)]
    assert len(rows) == len(NOTES)
    expected = [topic(row.split("|")[1].strip()[:3], text.strip())
                for row in rows for text in row.split("|")[3].split("; ")]
    assert TOPICS == expected
    assert len(TOPICS) == len(set(TOPICS))
    assert {name.split(": ")[0] for name in TOPICS} == {note.number for note in NOTES}


def test_topics_parse_from_any_such_table(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("| file | what | topics |\n|---|---|---|\n"
                      f"| {NOTES[2].seed} | notes | Adam; \"a ≠ b\": (x, y); RAdam |\n"
                      "| other.txt | not a note | ignored |\n", encoding="utf-8")
    assert note_topics(readme) == ["002: Adam", '002: "a ≠ b": (x, y)', "002: RAdam"]


@pytest.mark.parametrize("slug", list(LESSONS))
def test_every_topic_a_lesson_names_is_in_the_notes(slug):
    """A typo in a lesson's topic (or a topic renamed in notes/README.md) fails here."""
    unknown = [name for name in LESSONS[slug].topics if name not in TOPICS]
    assert not unknown, f"{slug} names topics notes/README.md does not have: {unknown}"


@pytest.mark.parametrize("name", TOPICS)
def test_every_topic_of_the_notes_has_a_lesson(name):
    shown = dict(coverage())[name]
    assert shown, f"no lesson shows {name!r}: add one, or name the topic in the `topics` of a lesson that shows it"
