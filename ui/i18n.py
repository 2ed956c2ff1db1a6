"""Translations: English, Simplified and Traditional Chinese.

Each catalogue in ui/locales/ has two parts:
- "ui": the page's own strings by key, with {placeholders} filled by str.format;
- "declared": the declarations' English text (surface, optimizer and schedule titles, parameter labels and help)
  mapped to its translation;
- "messages": what the link parser and the editors say about repaired input, by the keys of
  declarations.messages.MESSAGES.
English needs neither of the last two: declarations and messages are written in English.

A missing key falls back to English; tests/test_i18n.py proves that no catalogue misses one.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from declarations.messages import Message
from experiments.inspect import equations_of
from experiments.lessons import LESSONS
from experiments.measures import MEASURE, MEASURES, TOLERANCE
from experiments.model import BATCH, NOISE, SEED, STEPS
from experiments.url import parse
from optimizers import OPTIMIZERS, SCHEDULES
from surfaces import SURFACES

LANGUAGES = {"en": "English", "zh-CN": "简体中文", "zh-TW": "繁體中文"}
DEFAULT_LANGUAGE = "en"
LOCALES = Path(__file__).resolve().parent / "locales"
_TRADITIONAL_REGIONS = ("tw", "hk", "mo", "hant")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*")
_MATH_WORDS = {"exp", "cos", "sin", "log", "min", "max"}


@cache
def catalogue(lang: str) -> dict[str, dict[str, str]]:
    with open(LOCALES / f"{lang}.json", encoding="utf-8") as handle:
        data = json.load(handle)
    data.setdefault("declared", {})
    data.setdefault("messages", {})
    return data


def match_language(tag: str) -> str | None:
    """A catalogue for a language tag such as 'zh-CN', 'zh_Hant_HK' or 'en-GB', or None."""
    tag = str(tag).strip().replace("_", "-").lower()
    if tag == "en" or tag.startswith("en-"):
        return "en"
    if tag == "zh" or tag.startswith("zh-"):
        parts = tag.split("-")[1:]
        return "zh-TW" if any(p in _TRADITIONAL_REGIONS for p in parts) else "zh-CN"
    return None


def choose_language(requested: str, accepted: list[str]) -> tuple[str, bool]:
    """The link's ?lang= if it names a catalogue, else the browser's first supported language, else English.
    The flag says whether a requested language was not understood."""
    if requested:
        found = match_language(requested)
        if found:
            return found, False
    for tag in accepted:
        found = match_language(tag)
        if found:
            return found, bool(requested)
    return DEFAULT_LANGUAGE, bool(requested)


class Text:
    """A language's strings: ``t("copy-link")``, ``t("steps-run", n=3)``, ``t.declared(param.help)``."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self._ui = catalogue(self.lang)["ui"]
        self._declared = catalogue(self.lang)["declared"]
        self._messages = catalogue(self.lang)["messages"]
        self._english = catalogue(DEFAULT_LANGUAGE)["ui"]

    def __call__(self, key: str, **values) -> str:
        text = self._ui.get(key) or self._english[key]
        return text.format(**values) if values else text

    def message(self, problem: str) -> str:
        """A parser or editor message in this language (English text when it carries no key)."""
        if isinstance(problem, Message) and problem.key in self._messages:
            # A measure is named by its declared title, which has its own translation.
            values = {k: self.message(v) if isinstance(v, Message) else self.declared(v) if k == "measure" else v
                      for k, v in problem.values.items()}
            return problem.prefix + self._messages[problem.key].format(**values)
        return str(problem)

    def declared(self, text: str) -> str:
        return self._declared.get(text, text) if text else text


@cache
def text(lang: str = DEFAULT_LANGUAGE) -> Text:
    return Text(lang)


def declared_texts() -> list[str]:
    """Every declaration text a reader sees: titles, descriptions, parameter labels (or names) and help."""
    seen: dict[str, None] = {}
    owners = [*SURFACES.values(), *OPTIMIZERS.values(), *SCHEDULES.values()]
    for owner in owners:
        seen[owner.title] = None
        if getattr(owner, "about", ""):
            seen[owner.about] = None
    for measure in MEASURES.values():
        seen[measure.title] = None
        seen[measure.help] = None
    for param in [p for owner in owners for p in owner.params] + [NOISE, BATCH, STEPS, SEED, MEASURE, TOLERANCE]:
        seen[param.label or param.name] = None
        if param.help:
            seen[param.help] = None
        for choice in param.choices or ():
            seen[str(choice)] = None
    for owner in owners:
        formula = getattr(owner, "formula", "") or getattr(owner, "equations", "")
        names = {p.name for p in owner.params} | {str(c) for p in owner.params for c in p.choices or ()}
        words = {w for w in _WORD.findall(formula) if len(w) >= 3 and "_" not in w}
        if words - names - _MATH_WORDS:  # words, not only symbols and parameter names
            seen[formula] = None
    for owner in OPTIMIZERS.values():  # the step inspector names each state entry and shows each equation
        seen.update(dict.fromkeys(owner.internals.values()))
        for equation in equations_of(owner.update).values():
            words = {w for w in _WORD.findall(equation.equation) if len(w) >= 3 and "_" not in w}
            if words - _MATH_WORDS - {"diag", "det", "prev"}:
                seen[equation.equation] = None
    for lesson in LESSONS.values():  # run labels of the lessons show in their legends and tables
        for run in parse(lesson.query)[0].runs:
            if run.label:
                seen[run.label] = None
    return [t for t in seen if any(ch.isalpha() and ch.isascii() for ch in t)]


__all__ = ["LANGUAGES", "Text", "choose_language", "declared_texts", "match_language", "text"]
