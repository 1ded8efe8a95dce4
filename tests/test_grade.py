"""Grading for instructors (issue 13): ``make grade SUBMISSIONS=DIR``.

The made-up room in ``tests/fixtures/submissions/`` (see
``tests/fixtures/make_submissions.py``) holds one learner per case: renamed notebooks
with moved and deleted cells, a single top-level file, an exercise from an older
course version, a notebook that raises, one that loops forever, files that are not
notebooks, a network call, and (added here) an untouched exercise notebook.

Grading relies on the progress contract: every ``check()`` appends a JSON line to
``$CHAINMIND_PROGRESS``. Until ``refimpl.course.progress`` is wired into ``check()``,
a ``sitecustomize`` shim that follows the same contract stands in for it in the
graded kernels (and only in these tests).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from refimpl.course import grade
from refimpl.course.checks import l03

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "submissions"
TIMEOUT = 20.0

_SHIM = '''
"""Test stand-in for the progress hook: check() appends one contract line."""
import json
import os
import time

from refimpl.course import feedback

_check, _evaluate = feedback.Check.check, feedback.Check.evaluate


def _evaluate_and_keep(self, answer):
    self._last = _evaluate(self, answer)
    return self._last


def _check_and_log(self, answer):
    _check(self, answer)
    line = {"check": self.name, "lesson": self.name[:2],
            "status": self._last.status,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    with open(os.environ["CHAINMIND_PROGRESS"], "a", encoding="utf-8") as log:
        log.write(json.dumps(line) + "\\n")


feedback.Check.evaluate = _evaluate_and_keep
feedback.Check.check = _check_and_log
'''


def _check_logs_progress(tmp: Path) -> bool:
    """Does ``check()`` itself follow the contract yet (the progress hook landed)?"""
    log = tmp / "probe.jsonl"
    old = os.environ.get(grade.ENV_VAR)
    os.environ[grade.ENV_VAR] = str(log)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            l03.merkle_parent.check(None)
    finally:
        if old is None:
            del os.environ[grade.ENV_VAR]
        else:
            os.environ[grade.ENV_VAR] = old
    return log.is_file() and '"not attempted"' in log.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture room plus frank, an untouched copy of exercises/00_welcome."""
    root = tmp_path_factory.mktemp("room") / "submissions"
    shutil.copytree(FIXTURES, root)
    (root / "frank").mkdir()
    shutil.copy(REPO / "exercises" / "00_welcome.ipynb", root / "frank" / "ex.ipynb")
    (root / ".ipynb_checkpoints").mkdir()  # hidden: never a learner
    (root / ".ipynb_checkpoints" / "x.ipynb").write_text("{}", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def graded(
    room: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, dict[str, str]], list[str], Path]:
    tmp = tmp_path_factory.mktemp("grade")
    patch = pytest.MonkeyPatch()
    if not _check_logs_progress(tmp):
        shim = tmp / "shim"
        shim.mkdir()
        (shim / "sitecustomize.py").write_text(_SHIM, encoding="utf-8")
        path = os.pathsep.join(filter(None, [str(shim), os.environ.get("PYTHONPATH")]))
        patch.setenv("PYTHONPATH", path)
    out = tmp / "grades"
    try:
        code = grade.main([str(room), "--out", str(out), "--timeout", str(TIMEOUT)])
    finally:
        patch.undo()
    assert code == 0
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = {row["learner"]: row for row in reader}
    return rows, header, out


def _status(rows: dict[str, dict[str, str]], learner: str) -> dict[str, str]:
    checks = grade.course_checks()
    return {c: rows[learner][c] for c in checks if rows[learner][c] != "untouched"}


def test_one_row_per_learner_one_column_per_check(graded) -> None:
    rows, header, out = graded
    checks = grade.course_checks()
    assert header == ["learner", *checks, "correct", "out_of", "percent"] + [
        "notebooks",
        "problems",
    ]
    assert len(checks) >= 60 and "03.1 merkle_parent" in checks
    assert sorted(rows) == ["alice", "bob", "carol", "dave", "erin", "frank", "grace"]
    for row in rows.values():
        assert int(row["out_of"]) == len(checks)
        assert int(row["correct"]) == sum(row[c] == "correct" for c in checks)
        assert {row[c] for c in checks} <= {
            "correct",
            "incorrect",
            "not attempted",
            "untouched",
        }
    names = sorted(p.name for p in (out / "feedback").iterdir())
    assert names == [f"{n}.md" for n in sorted(rows)]


def test_renamed_notebooks_and_moved_cells_grade_by_their_checks(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "alice") == {
        "03.1 merkle_parent": "correct",
        "04.2 bits_to_target": "incorrect",
        "11.2 royalty_amount": "correct",  # wrong in one notebook, right in another
    }
    assert rows["alice"]["notebooks"] == "2" and rows["alice"]["problems"] == ""
    feedback = (out / "feedback" / "alice.md").read_text(encoding="utf-8")
    assert "2 of" in feedback and "04.2 bits_to_target is not right yet" in feedback
    assert "Copy of my_exercises (1).ipynb" in feedback


def test_a_cell_that_raises_costs_only_that_cell(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "bob") == {"03.1 merkle_parent": "correct"}
    assert rows["bob"]["problems"] == "bob.ipynb: 1 cell raised"
    feedback = (out / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert "cell 2: NameError: name 'undefined_name' is not defined" in feedback


def test_an_older_exercise_version_grades_what_still_exists(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "carol") == {"11.2 royalty_amount": "correct"}
    feedback = (out / "feedback" / "carol.md").read_text(encoding="utf-8")
    assert "AttributeError" in feedback and "another version of the course" in feedback


def test_a_notebook_that_loops_forever_is_stopped_and_keeps_earlier_checks(
    graded,
) -> None:
    rows, _, _ = graded
    assert _status(rows, "dave") == {"03.1 merkle_parent": "correct"}
    assert f"stopped at the {TIMEOUT:g} s time limit in cell 2" in rows["dave"][
        "problems"
    ]


def test_files_that_are_not_notebooks_get_an_entry(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "erin") == {}
    assert rows["erin"]["notebooks"] == "0" and rows["erin"]["correct"] == "0"
    problems = rows["erin"]["problems"]
    assert "erin/04_blocks.ipynb: not a notebook: not valid JSON" in problems
    assert "erin/answers.txt: not a notebook: a .txt" in problems
    feedback = (out / "feedback" / "erin.md").read_text(encoding="utf-8")
    assert "it was not graded" in feedback


def test_an_untouched_exercise_notebook_is_not_attempted(graded) -> None:
    rows, _, _ = graded
    l00 = [c for c in grade.course_checks() if c.startswith("00.")]
    frank = _status(rows, "frank")
    assert frank and set(frank.values()) == {"not attempted"}
    assert set(frank) <= set(l00)
    assert rows["frank"]["problems"] == "" and rows["frank"]["correct"] == "0"


def test_the_network_is_refused_while_grading(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "grace") == {"11.2 royalty_amount": "incorrect"}
    feedback = (out / "feedback" / "grace.md").read_text(encoding="utf-8")
    assert "cell 1: URLError" in feedback and "no network while grading" in feedback
    assert "cell 2" not in feedback  # the refused connect was caught by the learner


def test_read_progress_keeps_the_best_and_skips_broken_lines(tmp_path: Path) -> None:
    log = tmp_path / "p.jsonl"
    lines = [
        {"check": "03.1 merkle_parent", "status": "incorrect"},
        {"check": "03.1 merkle_parent", "status": "correct"},
        {"check": "03.1 merkle_parent", "status": "not attempted"},
        {"check": "04.2 bits_to_target", "status": "not attempted"},
        {"check": "04.2 bits_to_target", "status": "great"},
        {"check": 5, "status": "correct"},
        ["not", "a", "dict"],
    ]
    text = "\n".join(json.dumps(x) for x in lines)
    text += "\n{broken\n" + "[" * 10_000 + "\n" + '"x"' * 2000 + "\n"
    log.write_text(text, encoding="utf-8")
    assert grade.read_progress(log) == {
        "03.1 merkle_parent": "correct",
        "04.2 bits_to_target": "not attempted",
    }
    assert grade.read_progress(tmp_path / "missing.jsonl") == {}


def test_find_submissions_files_and_folders(tmp_path: Path) -> None:
    (tmp_path / "amy.ipynb").write_text("{}")
    (tmp_path / "ben" / "deep").mkdir(parents=True)
    (tmp_path / "ben" / "deep" / "a.ipynb").write_text("{}")
    (tmp_path / "ben" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "ben" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    (tmp_path / ".hidden").mkdir()
    found = grade.find_submissions(tmp_path)
    assert {k: [p.name for p in v] for k, v in found.items()} == {
        "amy": ["amy.ipynb"],
        "ben": ["a.ipynb"],
    }


def test_bad_arguments_are_refused_with_a_reason(tmp_path: Path, capsys) -> None:
    assert grade.main([str(tmp_path / "nope")]) == 2
    assert "SUBMISSIONS is not a folder" in capsys.readouterr().err
    assert grade.main([str(tmp_path), "--timeout", "0"]) == 2
    assert "--timeout" in capsys.readouterr().err


def test_an_empty_room_writes_a_header_only_table(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    assert grade.main([str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    rows = list(csv.reader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    assert len(rows) == 1 and rows[0][0] == "learner"


def test_make_grade_target() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert "grade:" in makefile and "refimpl.course.grade" in makefile
