"""Lessons: ready-made experiments that show one phenomenon from the lecture notes each (see base.py).

`LESSONS` is in course order (see course.py): grouped by the note each lesson quotes, notes 000 to 004, and within
a note in the gallery's order (gallery.py).
"""

from experiments.lessons.base import LANGUAGES, Lesson, Screen, ScreenRow, SweepScreen, check_lesson, lesson_link
from experiments.lessons.course import LESSONS, NOTES, Note, course, next_lesson, note_of

__all__ = ["LANGUAGES", "LESSONS", "NOTES", "Lesson", "Note", "Screen", "ScreenRow", "SweepScreen", "check_lesson",
           "course", "lesson_link", "next_lesson", "note_of"]
