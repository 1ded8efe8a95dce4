"""The exercise generator, and the committed notebooks' hygiene."""

import json
from pathlib import Path

import pytest

from refimpl.course.exercises import (
    ExerciseError,
    MarkerError,
    NotebookError,
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


@pytest.mark.parametrize(
    "src",
    [
        "def f():\n    ### Begin Solution\n    return 1\n    ### End Solution",
        "def f():\n    ### BEGIN SOLUTION (part 1)\n    return 1\n    ### END SOLUTION",
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION here",
        "def f():\n    #BEGIN SOLUTION\n    return 1\n    #END SOLUTION",
        "def f():\n    ## BEGIN  SOLUTION\n    return 1\n    ## END SOLUTION",
        "x = 1  ### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION",
        "<!-- BEGIN SOLUTION -->\nanswer = 42\n<!-- END SOLUTION -->",
        "x = 1\n### SOLUTION CELL\nprint('secret')",
        "### solution cell\nprint('secret')",
    ],
)
def test_near_miss_code_markers_are_refused(src):
    nb = _nb(_md("intro"), _code(src))
    with pytest.raises(MarkerError) as err:
        generate_notebook(nb, "solutions/99_x.ipynb")
    assert "solutions/99_x.ipynb, cell 2, line" in str(err.value)


@pytest.mark.parametrize(
    "cell",
    [
        _md("Why?\n### BEGIN SOLUTION\nBecause.\n### END SOLUTION"),
        _md("Why?\n<!-- Begin Solution -->\nBecause.\n<!-- End Solution -->"),
        _md("Why?\n<!-- BEGIN SOLUTION --> Because.\n<!-- END SOLUTION -->"),
        {"cell_type": "raw", "metadata": {}, "source": "### BEGIN SOLUTION\nx\n"},
        {"cell_type": "raw", "metadata": {}, "source": "<!-- SOLUTION CELL -->\nx"},
    ],
)
def test_markers_in_markdown_or_raw_cells_are_refused(cell):
    with pytest.raises(MarkerError) as err:
        generate_notebook(_nb(_code("x = 1"), cell), "solutions/99_x.ipynb")
    assert "solutions/99_x.ipynb, cell 2, line" in str(err.value)


@pytest.mark.parametrize(
    "src",
    [
        "def f():\r    ### BEGIN SOLUTION\r    return 1\r    ### END SOLUTION\r",
        "def f():\r\n    ### BEGIN SOLUTION\r\n    return 1\r\n    ### END SOLUTION",
    ],
)
def test_cr_line_endings_are_refused(src):
    with pytest.raises(MarkerError, match="cell 1: CR line endings"):
        generate_notebook(_nb(_code(src)), "solutions/99_x.ipynb")


def test_markers_mentioned_inside_prose_or_strings_are_fine():
    nb = _nb(
        _md("Answers sit between `### BEGIN SOLUTION` and its end marker."),
        _code("text = 'BEGIN SOLUTION is only a phrase here'"),
    )
    out = generate_notebook(nb, "n")
    assert [c["source"] for c in out["cells"]] == [
        "Answers sit between `### BEGIN SOLUTION` and its end marker.",
        "text = 'BEGIN SOLUTION is only a phrase here'",
    ]


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"cells": "no"}, "not a notebook"),
        ([1, 2], "not a notebook"),
        (_nb({"cell_type": "picture", "source": ""}), "cell 1: not a code"),
        (_nb(_code(["x = 1\n", 3])), "cell 1: its source is not text"),
        (_nb(_code(None)), "cell 1: its source is not text"),
    ],
)
def test_malformed_notebooks_are_named(bad, words):
    with pytest.raises(NotebookError) as err:
        generate_notebook(bad, "solutions/98_bad.ipynb")
    assert str(err.value).startswith("solutions/98_bad.ipynb") and words in str(
        err.value
    )


def test_nothing_is_written_when_any_input_fails(tmp_path):
    sol, ex = tmp_path / "solutions", tmp_path / "exercises"
    sol.mkdir()
    ex.mkdir()
    good = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    (sol / "01_a.ipynb").write_text(json.dumps(_nb(_code(good))))
    (sol / "02_b.ipynb").write_text(json.dumps(_nb(_code(good))))
    (ex / "02_b.ipynb").write_text("an old exercise")
    (sol / "03_c.ipynb").write_text('{"cells": [')  # cut short
    (sol / "04_d.ipynb").write_text(json.dumps(_nb(_code("### Begin Solution\nx = 1"))))
    before = {p.name: p.read_bytes() for p in ex.iterdir()}
    with pytest.raises(ExerciseError) as err:
        write_exercises(sol, ex, log=lambda *_: None)
    message = str(err.value)
    assert "solutions/03_c.ipynb: not valid notebook JSON" in message
    assert "solutions/04_d.ipynb, cell 1, line 1" in message
    assert message.endswith("nothing was written")
    assert {p.name: p.read_bytes() for p in ex.iterdir()} == before


def test_command_line_reports_the_error(tmp_path, capsys):
    from refimpl.course.exercises import main

    sol = tmp_path / "solutions"
    sol.mkdir()
    (sol / "01_a.ipynb").write_text("[" * 100_000)  # deeper than any notebook
    code = main(["--solutions", str(sol), "--out", str(tmp_path / "ex")])
    assert code == 1
    assert "solutions/01_a.ipynb: not valid notebook JSON" in capsys.readouterr().err
    assert not (tmp_path / "ex").exists()


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
