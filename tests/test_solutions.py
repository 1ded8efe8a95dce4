"""solution() text comes from solutions/NN_*.ipynb, never typed a second time."""

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import refimpl.course.checks as checks_pkg
from refimpl.course import Check, FunctionCheck, solutions

ROOT = Path(__file__).resolve().parents[1]

# Checks the lessons themselves demonstrate; they are no exercise of solutions/.
LESSON_DEMOS = {"00.0 lesson_count"}


def _checks():
    found = []
    for info in pkgutil.iter_modules(checks_pkg.__path__):
        module = importlib.import_module(f"{checks_pkg.__name__}.{info.name}")
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, Check):
                found.append(pytest.param(value, id=f"{info.name}.{attr}"))
    return found


def _region_lines(source: str) -> list[str]:
    inside, lines = False, []
    for line in source.split("\n"):
        if line.strip() == solutions.BEGIN:
            inside = True
        elif line.strip() == solutions.END:
            inside = False
        elif inside and line.strip():
            lines.append(line)
    return lines


@pytest.mark.parametrize("check", _checks())
def test_every_solution_comes_from_the_solutions_notebook(check, capsys):
    if check.name in LESSON_DEMOS:
        pytest.skip("demonstrated in the lesson, not an exercise")
    text, path, number = solutions.find_solution(check)
    assert path.parent == ROOT / "solutions"
    assert path.name.startswith(check.name[:2] + "_")
    nb = json.loads(path.read_text(encoding="utf-8"))
    source = "".join(nb["cells"][number - 1]["source"])
    region = _region_lines(source)
    assert region, f"{path.name}, cell {number} has no answer region"
    for line in region:  # the whole answer is shown ...
        assert line in text.split("\n")
    for line in text.split("\n"):  # ... and nothing that is not in the notebook
        assert line in source.split("\n")
    assert ".check(" not in text and "SOLUTION" not in text
    check.solution()
    out = capsys.readouterr().out
    assert f"from solutions/{path.name}, cell {number}" in out and text in out


def test_the_notebook_wins_over_a_typed_copy(tmp_path, monkeypatch):
    folder = tmp_path / "solutions"
    folder.mkdir()
    cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": "def triple(x):\n    ### BEGIN SOLUTION\n    return 3 * x\n"
        "    ### END SOLUTION\n\n\nl97.triple.check(triple)",
    }
    nb = {"cells": [{"cell_type": "markdown", "source": "# 97"}, cell], "metadata": {}}
    (folder / "97_demo.ipynb").write_text(json.dumps(nb))
    monkeypatch.setenv("CHAINMIND_SOLUTIONS", str(folder))
    check = FunctionCheck(
        "97.1 triple",
        reference=lambda x: 3 * x,
        cases=[(1,)],
        hints=["h"],
        solution="a stale typed copy",
    )
    text, origin = solutions.solution_for(check)
    assert text == "def triple(x):\n    return 3 * x"
    assert origin == "from solutions/97_demo.ipynb, cell 2"


def test_a_copy_without_solutions_gets_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINMIND_SOLUTIONS", str(tmp_path / "nowhere"))
    check = FunctionCheck(
        "97.2 half", reference=lambda x: x // 2, cases=[(1,)], hints=["h"]
    )
    text, origin = solutions.solution_for(check)
    assert origin == "not found" and "solutions/ folder" in text


@pytest.mark.parametrize("check", _checks())
def test_no_check_carries_a_typed_copy_of_its_solution(check):
    """One source: solution() prints the notebook's region; a typed copy would drift."""
    if check.name in LESSON_DEMOS:
        pytest.skip("demonstrated in the lesson, not an exercise")
    assert not getattr(check, "_solution", ""), f"{check.name} types its solution"
