"""The course: the lessons grouped by the lecture note they belong to, in the notes' order.

A lesson belongs to the note of its `seed` (the note it quotes); within a note the lessons keep their gallery
order. `LESSONS` (what `experiments.lessons` exports) is in course order, so lesson numbers, the lessons menu, the
README's table and a presenter's clicker all follow the course.

    for note, lessons in course(): ...
    next_lesson("zigzag")  # the lesson after it, None after the last

notes/README.md lists, for each note, the topics the app must be able to show from it; a lesson names the ones it
shows in `topics`, as "NNN: topic". `note_topics()` reads them from that file and `coverage()` pairs each with
the lessons that show it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from experiments.lessons.base import Lesson
from experiments.lessons.gallery import LESSONS as GALLERY

NOTES_README = Path(__file__).resolve().parents[2] / "notes" / "README.md"


@dataclass(frozen=True)
class Note:
    number: str  # "000", the start of its seed's file name
    seed: str  # the note's file in notes/, as a lesson's `seed` names it
    title: dict[str, str]  # per language: in Chinese the article's own title (verbatim in the note's own script,
    # converted in the other), in English the note's description in notes/README.md


NOTES: tuple[Note, ...] = (
    Note("000", "000_c462855194d46cda.txt", {
        "en": "What gradient descent is good for",
        "zh-CN": "「梯度下降」在机器学习演算法中有什么妙用?",
        "zh-TW": "「梯度下降」在機器學習演算法中有什麽妙用?"}),
    Note("001", "001_3defe583b75fe0a3.txt", {
        "en": "A deeper look into gradient-based learning",
        "zh-CN": "神经网络基于梯度学习的深入研究",
        "zh-TW": "神經網絡基於梯度學習的深入研究"}),
    Note("002", "002_ead57720c3d8bf2d.txt", {
        "en": "Hung-yi Lee's lecture notes on adaptive learning rates",
        "zh-CN": "【深度学习】02-04-类神经网络训练不起来怎么办?(自动调整学习速率)-李宏毅老师21&22深度学习课程笔记",
        "zh-TW": "【深度學習】02-04-類神經網絡訓練不起來怎麼辦?(自動調整學習速率)-李宏毅老師21&22深度學習課程筆記"}),
    Note("003", "003_4ea0521ced52fd75.txt", {
        "en": "Datawhale notes on local minima and saddle points",
        "zh-CN": "Datawhle X 李宏毅苹果书AI夏令营深度学习笔记之——局部最小值与鞍点",
        "zh-TW": "Datawhle X 李宏毅蘋果書AI夏令營深度學習筆記之——局部最小值與鞍點"}),
    Note("004", "004_10a190868b46cfba.txt", {
        "en": "EECS 498-style notes on optimization",
        "zh-CN": "Optimization",
        "zh-TW": "Optimization"}),
)
_BY_SEED = {note.seed: note for note in NOTES}


def note_of(lesson: Lesson) -> Note:
    """The note a lesson belongs to: the one its seed names."""
    try:
        return _BY_SEED[lesson.seed]
    except KeyError:
        raise ValueError(f"lesson {lesson.slug!r} quotes {lesson.seed!r}, which is none of the notes") from None


def course(lessons: Iterable[Lesson] | None = None) -> list[tuple[Note, list[Lesson]]]:
    """The lessons (by default the gallery's) grouped by note, in note order and within a note in the order given.
    Every note is listed, also one without lessons."""
    lessons = list(GALLERY.values() if lessons is None else lessons)
    return [(note, [lesson for lesson in lessons if note_of(lesson) is note]) for note in NOTES]


LESSONS: dict[str, Lesson] = {lesson.slug: lesson for _, group in course() for lesson in group}  # in course order


def next_lesson(slug: str) -> Lesson | None:
    """The lesson after this one in the course, or None after the last (KeyError for an unknown slug)."""
    if slug not in LESSONS:
        raise KeyError(slug)
    slugs = list(LESSONS)
    index = slugs.index(slug) + 1
    return LESSONS[slugs[index]] if index < len(slugs) else None


# -- topics -------------------------------------------------------------------------------------------------------


def topic(number: str, text: str) -> str:
    """A topic as a lesson names it: the note's number and the topic's text, "002: RAdam"."""
    return f"{number}: {text}"


def note_topics(readme: Path = NOTES_README) -> list[str]:
    """Every topic of notes/README.md's table (its third column, split at "; "), in the file's order."""
    topics = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] in _BY_SEED:
            topics += [topic(_BY_SEED[cells[0]].number, text.strip()) for text in cells[2].split("; ")]
    return topics


def coverage(lessons: Iterable[Lesson] | None = None, readme: Path = NOTES_README) -> list[tuple[str, list[Lesson]]]:
    """Each topic of the notes with the lessons (in course order by default) that show it; [] for none yet."""
    lessons = list(LESSONS.values() if lessons is None else lessons)
    return [(name, [lesson for lesson in lessons if name in lesson.topics]) for name in note_topics(readme)]


__all__ = ["LESSONS", "NOTES", "Note", "course", "coverage", "next_lesson", "note_of", "note_topics", "topic"]
