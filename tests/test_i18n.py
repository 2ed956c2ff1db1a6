"""The translation catalogues: every catalogue has every key, placeholders match, and languages are chosen from
the link or the browser."""

from __future__ import annotations

import re
import string

import pytest

from declarations.messages import MESSAGES
from experiments.lessons import LESSONS
from experiments.url import parse
from ui.i18n import LANGUAGES, Text, catalogue, choose_language, declared_texts, match_language
from ui.locales.plotly import MODEBAR

CJK = re.compile(r"[\u3400-\u9fff]")
CHINESE = ("zh-CN", "zh-TW")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_catalogue_has_every_ui_key():
    english = set(catalogue("en")["ui"])
    for lang in LANGUAGES:
        keys = set(catalogue(lang)["ui"])
        assert keys == english, f"{lang}: missing {sorted(english - keys)}, extra {sorted(keys - english)}"


@pytest.mark.parametrize("lang", CHINESE)
def test_chinese_catalogues_translate_every_declaration(lang):
    declared = catalogue(lang)["declared"]
    wanted = declared_texts()
    assert [t for t in wanted if t not in declared] == []
    assert [t for t in declared if t not in wanted] == [], "stale entries for declarations that no longer exist"
    assert all(value.strip() for value in declared.values())


@pytest.mark.parametrize("lang", CHINESE)
def test_placeholders_match_english(lang):
    english = catalogue("en")["ui"]
    for key, value in catalogue(lang)["ui"].items():
        assert _fields(value) == _fields(english[key]), key


@pytest.mark.parametrize("lang", CHINESE)
def test_chinese_strings_are_chinese(lang):
    """Every page string that has words in English has Chinese characters in translation."""
    english = catalogue("en")["ui"]
    for key, value in catalogue(lang)["ui"].items():
        if re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", english[key]).replace("Descent Lab", "")):
            assert CJK.search(value), f"{lang} {key}: {value!r}"


def test_simplified_and_traditional_differ_where_the_characters_do():
    simplified, traditional = catalogue("zh-CN")["ui"], catalogue("zh-TW")["ui"]
    assert simplified["lessons"] == "课程" and traditional["lessons"] == "課程"
    assert simplified["copy-link"] != traditional["copy-link"]
    # No Simplified-only characters left in the Traditional catalogue.
    leftovers = set("们这个学习动复链载过没说从点级图设计为华发")
    for value in [*traditional.values(), *catalogue("zh-TW")["declared"].values()]:
        assert not leftovers & set(value), value


def test_modebar_locales_cover_the_same_strings():
    assert set(MODEBAR["zh-CN"]) == set(MODEBAR["zh-TW"])
    assert "Download plot as a png" in MODEBAR["zh-CN"] and "Zoom" in MODEBAR["zh-TW"]


def test_every_lesson_speaks_every_language():
    for lesson in LESSONS.values():
        for lang in LANGUAGES:
            assert lesson.title[lang].strip() and lesson.caption[lang].strip(), (lesson.slug, lang)


@pytest.mark.parametrize(("tag", "expected"), [
    ("en", "en"), ("en-GB", "en"), ("zh-CN", "zh-CN"), ("zh", "zh-CN"), ("zh_Hans_SG", "zh-CN"),
    ("zh-TW", "zh-TW"), ("zh-HK", "zh-TW"), ("zh-Hant", "zh-TW"), ("ZH-tw", "zh-TW"), ("fr", None), ("", None),
])
def test_match_language(tag, expected):
    assert match_language(tag) == expected


def test_language_comes_from_the_link_then_the_browser():
    assert choose_language("zh-TW", ["en-US"]) == ("zh-TW", False)
    assert choose_language("", ["fr-FR", "zh-HK", "en"]) == ("zh-TW", False)
    assert choose_language("", ["fr-FR"]) == ("en", False)
    assert choose_language("klingon", ["zh-CN"]) == ("zh-CN", True)  # the warning says so


def test_text_formats_and_falls_back():
    t = Text("zh-CN")
    assert t("step-of", step=3, steps=10) == "第 3 / 10 步"
    assert Text("xx").lang == "en"
    assert t.declared("Adam") == "Adam" and t.declared("Gradient descent") == "梯度下降"
    assert t.declared("no such text") == "no such text"


@pytest.mark.parametrize("lang", CHINESE)
def test_every_parser_message_is_translated_with_the_same_placeholders(lang):
    translated = catalogue(lang)["messages"]
    assert set(translated) == set(MESSAGES)
    for key, template in MESSAGES.items():
        assert _fields(translated[key]) == _fields(template), key
        assert CJK.search(translated[key]), key


def test_a_damaged_link_reads_in_chinese():
    _, warnings = parse("surface=nowhere&steps=-5&opt=adam(lr=-1,bogus=2)")
    english = [str(w) for w in warnings]
    assert "unknown surface 'nowhere'; using rosenbrock" in english
    chinese = [Text("zh-CN").message(w) for w in warnings]
    assert "未知的曲面 'nowhere'；改用 rosenbrock" in chinese
    assert "adam: lr=-1.0 小于下限 1e-08；改用 1e-08" in chinese  # the run it concerns stays in front
    assert "adam: 未知的设置 'bogus'，已忽略" in chinese
    assert Text("zh-TW").message("plain text") == "plain text"
