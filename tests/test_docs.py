"""The generated reference and the README's Python example stay true."""

from __future__ import annotations

import re
from pathlib import Path

from experiments.docs import reference

ROOT = Path(__file__).resolve().parent.parent


def test_reference_is_up_to_date():
    committed = (ROOT / "docs" / "REFERENCE.md").read_text(encoding="utf-8")
    assert committed == reference(), "run: python -m experiments.docs > docs/REFERENCE.md"


def test_reference_mentions_every_declared_name():
    from optimizers import OPTIMIZERS, SCHEDULES
    from surfaces import SURFACES

    text = reference()
    for declared in (*SURFACES.values(), *OPTIMIZERS.values(), *SCHEDULES.values()):
        assert f"### `{declared.id}`" in text
        for param in declared.params:
            assert f"| `{param.name}` |" in text


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    namespace: dict = {}
    exec(compile(example, "README.md", "exec"), namespace)
    frame, adam = namespace["frame"], namespace["adam"]
    assert list(frame.columns) == ["run", "optimizer", "label", "step", "x", "y", "loss", "grad_norm", "lr"]
    assert len(frame) == 2 * 501
    assert adam.points.shape == (501, 2) and adam.diverged_at is None
    assert namespace["warnings"] == []


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", readme, re.S).group(1)
    assert first_block.splitlines()[0].startswith("make run") and first_block.splitlines()[1].startswith("make test")


def test_readme_lists_every_lesson_by_its_link():
    from experiments.docs import lessons_section

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert lessons_section() in readme, "the README's Lessons table is stale: paste experiments.docs.lessons_section()"


def test_readme_has_the_coverage_table_of_the_notes_topics():
    from experiments.docs import coverage_section

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert coverage_section() in readme, "the README's coverage table is stale: paste coverage_section()"
