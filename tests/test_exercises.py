"""The exercise generator, and the committed notebooks' hygiene."""

import json
from pathlib import Path

import pytest

from refimpl.course.exercises import (
    MarkerError,
    generate_notebook,
    render,
    strip_code,
    strip_markdown,
    write_exercises,
)

ROOT = Path(__file__).resolve().parents[1]


def _nb(*cells):
    return {
        "cells": list(cells),
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _code(source, outputs=()):
    return {
        "cell_type": "code",
        "execution_count": 3,
        "id": "c1",
        "metadata": {"scrolled": True},
        "outputs": list(outputs),
        "source": source,
    }


def _md(source):
    return {"cell_type": "markdown", "id": "m1", "metadata": {}, "source": source}


def test_function_body_keeps_its_indentation():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION\n"
    assert strip_code(src) == "def f(x):\n    # YOUR CODE HERE\n    ...\n"


def test_top_level_assignments_stay_defined():
    src = "### BEGIN SOLUTION\nanswer = 42\nother: int = 7\n### END SOLUTION\n"
    src += "check(answer)"
    out = strip_code(src)
    assert out == "# YOUR CODE HERE\nanswer = ...\nother = ...\ncheck(answer)"


def test_markdown_answers():
    src = "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->"
    assert strip_markdown(src) == "Why?\n*Write your answer here.*"


@pytest.mark.parametrize(
    "src, words",
    [
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n### END SOLUTION", "without a begin"),
    ],
)
def test_bad_markers_name_the_notebook_and_cell(src, words):
    nb = _nb(_md("intro"), _code(src))
    with pytest.raises(MarkerError) as err:
        generate_notebook(nb, "solutions/99_x.ipynb")
    assert "solutions/99_x.ipynb, cell 2" in str(err.value) and words in str(err.value)


def test_outputs_are_stripped_and_solution_cells_dropped():
    nb = _nb(
        _code(
            "x = 1", outputs=[{"output_type": "stream", "name": "stdout", "text": "1"}]
        ),
        _md("<!-- SOLUTION CELL -->\nWhat wrong feedback looks like:"),
        _code("### SOLUTION CELL\nprint('only in solutions')"),
    )
    out = generate_notebook(nb, "n")
    assert len(out["cells"]) == 1
    cell = out["cells"][0]
    assert cell["outputs"] == [] and cell["execution_count"] is None
    assert cell["metadata"] == {}


def test_generation_is_byte_stable_and_keeps_learner_work(tmp_path):
    sol, ex = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    src = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    (sol / "01_a.ipynb").write_text(json.dumps(_nb(_code(src))))
    assert write_exercises(sol, ex, log=lambda *_: None) == [ex / "01_a.ipynb"]
    first = (ex / "01_a.ipynb").read_bytes()
    assert write_exercises(sol, ex, log=lambda *_: None) == []
    assert (ex / "01_a.ipynb").read_bytes() == first
    # a learner fills in the stub: their work is kept, the fresh copy goes beside it
    nb = json.loads(first)
    nb["cells"][0]["source"] = ["def f():\n", "    return 1\n"]
    (ex / "01_a.ipynb").write_text(json.dumps(nb))
    (sol / "01_a.ipynb").write_text(json.dumps(_nb(_code(src + "\nf()"))))
    written = write_exercises(sol, ex, log=lambda *_: None)
    assert written == [ex / "01_a.new.ipynb"]
    assert json.loads((ex / "01_a.ipynb").read_text()) == nb
    # an untouched exercise is simply regenerated
    (ex / "01_a.ipynb").write_bytes(first)
    assert write_exercises(sol, ex, log=lambda *_: None) == [ex / "01_a.ipynb"]


# -- the committed notebooks -------------------------------------------------------


def _notebooks(folder):
    return sorted((ROOT / folder).glob("[0-9][0-9]_*.ipynb"))


def test_every_solution_has_its_exercise_and_lesson():
    solutions = {p.name for p in _notebooks("solutions")}
    assert solutions, "no solutions found"
    assert solutions == {p.name for p in _notebooks("exercises")}
    assert solutions <= {p.name for p in _notebooks("lessons")}


@pytest.mark.parametrize("path", _notebooks("solutions"), ids=lambda p: p.name)
def test_exercises_are_regenerated_from_solutions(path):
    solution = json.loads(path.read_text(encoding="utf-8"))
    fresh = render(generate_notebook(solution, f"solutions/{path.name}"))
    committed = ROOT / "exercises" / path.name
    assert committed.exists(), f"missing exercises/{path.name}: run `make exercises`"
    if committed.read_text(encoding="utf-8") != fresh:
        pytest.fail(
            f"exercises/{path.name} is out of date with solutions/{path.name}: "
            "run `make exercises` and commit exercises/",
            pytrace=False,
        )


def _code_cells(nb):
    return [
        c
        for c in nb["cells"]
        if c["cell_type"] == "code" and "".join(c["source"]).strip()
    ]


def clean_run_problems(nb: dict) -> list[str]:
    """Why a notebook's stored outputs cannot come from a clean top-to-bottom run."""
    cells = _code_cells(nb)
    problems = []
    if [c["execution_count"] for c in cells] != list(range(1, len(cells) + 1)):
        problems.append("execution counts are not 1..n")
    if any(o["output_type"] == "error" for c in cells for o in c["outputs"]):
        problems.append("it holds a stored error output")
    return problems


@pytest.mark.parametrize(
    "path", _notebooks("lessons") + _notebooks("solutions"), ids=lambda p: p.name
)
def test_committed_outputs_come_from_a_clean_run(path):
    problems = clean_run_problems(json.loads(path.read_text(encoding="utf-8")))
    name = path.relative_to(ROOT)
    assert not problems, f"{name}: {'; '.join(problems)}: run `make outputs NB={name}`"


def test_clean_run_detector_catches_errors_and_reruns():
    error = {"output_type": "error", "ename": "E", "evalue": "", "traceback": []}
    good = _nb(_code("a = 1"), _code("b = 2"))
    good["cells"][0]["execution_count"], good["cells"][1]["execution_count"] = 1, 2
    assert clean_run_problems(good) == []
    rerun = json.loads(json.dumps(good))
    rerun["cells"][1]["execution_count"] = 5
    assert clean_run_problems(rerun) == ["execution counts are not 1..n"]
    broken = json.loads(json.dumps(good))
    broken["cells"][1]["outputs"] = [error]
    assert clean_run_problems(broken) == ["it holds a stored error output"]


@pytest.mark.parametrize("path", _notebooks("exercises"), ids=lambda p: p.name)
def test_exercises_carry_no_outputs(path):
    for cell in _code_cells(json.loads(path.read_text(encoding="utf-8"))):
        assert cell["outputs"] == [] and cell["execution_count"] is None
