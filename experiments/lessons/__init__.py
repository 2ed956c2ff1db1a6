"""Lessons: ready-made experiments that show one phenomenon from the lecture notes each (see base.py)."""

from experiments.lessons.base import LANGUAGES, Lesson, Screen, ScreenRow, SweepScreen, check_lesson, lesson_link
from experiments.lessons.gallery import LESSONS

__all__ = ["LANGUAGES", "LESSONS", "Lesson", "Screen", "ScreenRow", "SweepScreen", "check_lesson", "lesson_link"]
