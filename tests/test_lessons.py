"""Lessons: each shows its phenomenon, each check can fail, links are canonical, texts and quotes are in order."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest

from experiments.lessons import LANGUAGES, LESSONS, check_lesson, lesson_link
from experiments.limits import MAX_RUNS, MAX_WORK
from experiments.runner import run
from experiments.url import parse, parse_view, to_query, work_per_step

SEEDS = Path(__file__).resolve().parent.parent / "notes"  # the lecture notes the lessons quote
SLUGS = list(LESSONS)
MAX_LESSON_STEPS = 2000
LONG_LESSONS = {"tiny-lr"}  # the notes' 100,000 steps of one GD run

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z-]*")
# Latin words a Chinese caption may keep: optimizer and surface names, and the "max" of λmax.
LATIN_ALLOWED = {"GD", "SGD", "Adam", "Adagrad", "RMSprop", "Nesterov", "Newton", "L-BFGS", "Rosenbrock", "max",
                 "Goh",  # Gabriel Goh, whose optimum the momentum lesson marks
                 "AdamW", "LAMB", "RAdam",
                 "torch", "autograd", "gradcheck",  # torch.autograd.gradcheck, whose h the gradient check uses
                 "nesterov", "True"}  # torch's nesterov=True
# Characters that differ between the scripts, as used in the captions: neither may leak into the other.
SIMPLIFIED_ONLY = ("学习动这过会时们个发对现为还进开长点终经边远线让损练离侧数椭圆从调滞"
                   "旧变缓达运执横减稳带杂讯滚钟摆宽计优弯阵归缩倾图两别样题双预热驯飞见轴笔记"
                   "间来万后几则阶于没扫约胜狭准围拟与敛么机书营类网络课训苹")
TRADITIONAL_ONLY = ("學習動這過會時們個發對現為還進開長點終經邊遠線讓損練離側數橢圓從調滯"
                    "舊變緩達運執橫減穩帶雜訊滾鐘擺寬計優彎陣歸縮傾圖兩別樣題雙預熱馴飛見軸筆記"
                    "間來萬後幾則階於沒掃約勝狹準圍擬與斂麼機書營類網絡課訓蘋")

# For each lesson, one change to its link (every occurrence is replaced) that removes the phenomenon: its check
# must then report a problem.
BROKEN = [
    ("zigzag", "opt=gd(lr=0.01,", "opt=gd(lr=0.005,"),  # inside the stable range: it converges
    ("tiny-lr", "opt=gd(lr=1e-07,", "opt=gd(lr=0.0001,"),  # large enough to arrive in 100,000 steps
    ("adagrad-bursts", "opt=adagrad(lr=0.3,rms=true,label=Adagrad)",
     "opt=adagrad(lr=0.3,label=Adagrad)"),  # torch's σ = √Σg² never shrinks, so it never bursts
    ("warm-up", "schedule=warmup_constant,", "schedule=warmup_constant,warmup=1,"),  # a warm-up of one step
    ("crescent", "steps=1000", "steps=200"),  # RMSprop has not arrived yet
    ("saddle", "start=1.5,1e-12", "start=1.5,0.001"),  # too far off the ridge: GD escapes too
    ("pendulum", "opt=nesterov(lr=0.05,", "opt=momentum(lr=0.05,"),  # "Nesterov" is plain momentum
    ("second-order", "opt=newton(lr=1.0,", "opt=newton(lr=0.01,"),  # a timid Newton step
    ("normalize-stretched", "kappa=100.0", "kappa=1.0"),  # not stretched: the large rate is fine
    ("normalize-round", "kappa=1.0", "kappa=100.0"),  # not round: the large rate diverges
    ("lr-limit", "kappa=10.0", "kappa=1.0"),  # λmax = 1: every rate is below 2/λmax
    ("bias-correction", "adam(lr=0.001,", "adam(lr=0.001,beta2=0.99,"),  # (1 − β₁)/√(1 − β₂) = 1
    ("local-minimum", "start=1.8,1.5", "start=1.5,1.0"),  # from here momentum 0.9 stays local too
    ("stability-edge", "kappa=10.0", "kappa=1.0"),  # λmax = 1: no swept rate reaches 2/λmax = 2
    ("momentum-phase", "sweep=momentum:0.0:0.99:64", "sweep=momentum:0.0:0.3:64"),  # no heavy momentum: 2×
    ("fair-race", "opt=momentum(lr=0.0017782794100389228,", "opt=momentum(lr=0.01,"),  # not tuned: it diverges
    ("data-stretched", "data=offset", "data=line"),  # u in [0, 1]: not stretched, and the larger rate is safe
    ("data-round", "normalize=true", "normalize=false"),  # not standardized: η = 0.5 blows up
    ("batch-size", "batch=1,", "batch=64,"),  # a batch of every row hovers no more than batch 16
    ("plateau", "width=1.0", "width=4.0"),  # a wide well: the start is on its slope and GD slides in
    ("cyclical-lr", "max_lr=0.2,", "max_lr=0.05,"),  # peaks below the dip's 2/λ: it stays in the sharp minimum
    ("adamw", "opt=adamw(", "opt=adam("),  # "AdamW" is Adam + L2 too: both end at the penalized minimum
    ("lamb", "opt=lamb(", "opt=adam("),  # "LAMB" is Adam: its steps are not η‖θ‖
    ("radam", "lr=0.2,", "lr=0.02,"),  # a small rate: plain Adam's first steps do not knock it off either
    ("gradient-check", "surface=rosenbrock&a=1.0&b=100.0",
     "surface=formula&f=x%2B2*y&box=-2.0,2.0,-1.0,3.0"),  # a plane: the forward difference is exact too
    ("taylor", "lr=0.15,", "lr=0.02,"),  # both steps small: the model holds for both
    ("momentum-forms", "lr=0.01,", "lr=0.01,schedule=exponential,"),  # a changing η: v = η_t b no longer holds
    ("hessian", "start=0.0754291585697482,1.5", "start=0.2,1.5"),  # off the ridge: GD rolls into a minimum too
]


@functools.cache
def checked(slug: str):
    return check_lesson(LESSONS[slug])


# -- the phenomena -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_shows_its_phenomenon(slug):
    _, problems = checked(slug)
    assert problems == []


@pytest.mark.parametrize(("slug", "old", "new"), BROKEN, ids=[b[0] for b in BROKEN])
def test_check_reports_a_lesson_without_its_phenomenon(slug, old, new):
    lesson = LESSONS[slug]
    assert old in lesson.query
    experiment, warnings = parse(lesson.query.replace(old, new))
    assert warnings == []
    problems = lesson.check(run(experiment))
    assert problems, f"{slug}: the check passed a link that should not show the phenomenon"
    assert all(isinstance(p, str) and p for p in problems)


def test_every_lesson_has_a_broken_variant():
    assert {slug for slug, _, _ in BROKEN} == set(LESSONS)


def test_a_missing_run_is_a_problem_not_a_crash():
    lesson = LESSONS["saddle"]
    experiment, _ = parse(lesson.query.replace("label=momentum", "label=heavy ball"))
    assert lesson.check(run(experiment)) == ["no run labelled 'momentum'"]


# -- links -----------------------------------------------------------------------------------------------------------


def test_there_are_at_least_twelve_lessons():
    assert len(LESSONS) >= 12
    assert LANGUAGES == ("en", "zh-CN", "zh-TW")


def test_slugs_are_unique_and_url_safe():
    assert all(key == lesson.slug for key, lesson in LESSONS.items())
    for slug in SLUGS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) and len(slug) <= 40, slug


@pytest.mark.parametrize("slug", SLUGS)
def test_query_is_canonical_and_clean(slug):
    lesson = LESSONS[slug]
    experiment, warnings = parse(lesson.query)
    assert warnings == []
    assert to_query(experiment) == lesson.query


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_link_names_the_lesson(slug):
    link = lesson_link(LESSONS[slug])
    view, view_warnings = parse_view(link)
    experiment, warnings = parse(link)
    assert view.lesson == slug and view_warnings == [] and warnings == []
    assert to_query(experiment) == LESSONS[slug].query


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_fits_the_limits_and_the_view(slug):
    experiment, _ = parse(LESSONS[slug].query)
    assert len(experiment.runs) <= MAX_RUNS
    assert experiment.steps * work_per_step(list(experiment.runs)) <= MAX_WORK
    assert experiment.steps <= MAX_LESSON_STEPS or slug in LONG_LESSONS
    xmin, xmax, ymin, ymax = experiment.make_surface().view()
    x, y = experiment.start
    assert xmin <= x <= xmax and ymin <= y <= ymax


# -- texts -----------------------------------------------------------------------------------------------------------


def sentences(text: str, language: str) -> int:
    if language == "en":
        return len(re.findall(r"[.!?](?=\s|$)", text))
    return len(re.findall(r"[。！？]", text))


@pytest.mark.parametrize("slug", SLUGS)
def test_titles_captions_and_summaries_in_every_language(slug):
    lesson = LESSONS[slug]
    for texts in (lesson.title, lesson.caption, lesson.summary):
        assert tuple(texts) == LANGUAGES
        assert all(texts[language].strip() for language in LANGUAGES)
    assert len(lesson.title["en"]) <= 40
    for language in LANGUAGES:
        assert 2 <= sentences(lesson.caption[language], language) <= 4, language


@pytest.mark.parametrize("slug", SLUGS)
def test_summary_is_one_short_line(slug):
    """The lessons menu shows it under the title: one line, not a second caption."""
    summary = LESSONS[slug].summary
    assert len(summary["en"]) <= 70, summary["en"]
    assert all(len(summary[language]) <= 50 for language in ("zh-CN", "zh-TW")), summary
    for language in LANGUAGES:
        assert "\n" not in summary[language] and summary[language] != LESSONS[slug].title[language], language
        assert sentences(summary[language], language) == 0, language  # a line, not sentences


@pytest.mark.parametrize("slug", SLUGS)
def test_lesson_names_the_topics_it_shows(slug):
    """Each topic is "NNN: topic" for a topic of notes/README.md; the coverage tests (test_course.py) check that
    every one of them exists there."""
    topics = LESSONS[slug].topics
    assert isinstance(topics, tuple) and topics, slug
    assert len(set(topics)) == len(topics), topics
    assert all(re.fullmatch(r"00[0-4]: \S.*\S", topic) for topic in topics), topics


@pytest.mark.parametrize("slug", SLUGS)
def test_chinese_texts_are_chinese_in_the_right_script(slug):
    lesson = LESSONS[slug]
    for language, other_script in (("zh-CN", TRADITIONAL_ONLY), ("zh-TW", SIMPLIFIED_ONLY)):
        for text in (lesson.title[language], lesson.caption[language], lesson.summary[language]):
            assert CJK.search(text), (language, text)
            stray = set(LATIN_WORD.findall(text)) - LATIN_ALLOWED
            assert all(len(word) == 1 for word in stray), (language, stray)  # single letters are symbols
            wrong = {ch for ch in text if ch in other_script}
            assert not wrong, (language, wrong)


@pytest.mark.parametrize("slug", SLUGS)
def test_quote_is_verbatim_from_its_seed(slug):
    lesson = LESSONS[slug]
    seed = SEEDS / lesson.seed
    assert seed.is_file(), seed
    assert CJK.search(lesson.quote) and len(lesson.quote) <= 80
    assert lesson.quote in seed.read_text(encoding="utf-8")
