"""The README tells the truth: every lesson is in its syllabus, every import works."""

import re
from pathlib import Path

import pytest

from refimpl.course.course_map import LESSONS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LESSON_FILES = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_syllabus_lists_every_lesson_and_its_exercises(path):
    syllabus = _section("Syllabus")
    assert f"lessons/{path.name}" in syllabus, f"README syllabus misses {path.name}"
    if (ROOT / "exercises" / path.name).exists():
        assert f"exercises/{path.name}" in syllabus


def test_course_map_matches_the_lessons():
    numbers = [int(p.name[:2]) for p in LESSON_FILES]
    assert numbers == [lesson.number for lesson in LESSONS][: len(numbers)]


def _import_statements(text: str) -> list[str]:
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    statements = []
    for block in blocks:
        statements += re.findall(
            r"^(?:from refimpl[\w.]* import (?:\([^)]*\)|[^\n]+)|import refimpl[^\n]*)",
            block,
            re.M,
        )
    return statements


def test_every_documented_import_works():
    statements = _import_statements(_section("The reference package: public API"))
    assert statements, "the API section shows no imports"
    for statement in statements:
        exec(statement, {})  # noqa: S102 - the README's own import lines
