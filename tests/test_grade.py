"""Grading for instructors (issue 13): ``make grade SUBMISSIONS=DIR``.

The made-up room in ``tests/fixtures/submissions/`` (see
``tests/fixtures/make_submissions.py``) holds one learner per case: renamed notebooks
with moved and deleted cells, a single top-level file, an exercise from an older
course version, a notebook that raises, one that loops forever, files that are not
notebooks, a network call, and (added here) an untouched exercise notebook.

Grading relies on the progress contract: every ``check()`` appends a JSON line to
``$CHAINMIND_PROGRESS`` (``refimpl.course.progress``). The exercises change as the
course grows, so the made-up learners answer "question i of lesson NN" with that
check's own known-right or known-wrong answer, and the expected table is computed
from the checks here.
"""

from __future__ import annotations

import csv
import importlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from refimpl.course import grade

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "submissions"
TIMEOUT = 20.0


def _question(lesson: str, index: int) -> Any:
    module = importlib.import_module(f"refimpl.course.checks.{lesson}")
    return getattr(module, module.__all__[index])


def _raises(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("todo")


L08_0, L08_1, L11_0 = _question("l08", 0), _question("l08", 1), _question("l11", 0)
L08_1_WRONG = L08_1.evaluate(L08_1.wrong[0]).status
L11_0_RAISES = L11_0.evaluate(_raises).status


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
    out = tmp_path_factory.mktemp("grade") / "grades"
    code = grade.main([str(room), "--out", str(out), "--timeout", str(TIMEOUT)])
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
    assert len(checks) >= 60 and L08_0.name in checks
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
    assert L08_1_WRONG == "incorrect"
    assert _status(rows, "alice") == {
        L08_0.name: "correct",
        L08_1.name: "incorrect",
        L11_0.name: "correct",  # wrong in one notebook, right in the other
    }
    assert rows["alice"]["notebooks"] == "2" and rows["alice"]["problems"] == ""
    feedback = (out / "feedback" / "alice.md").read_text(encoding="utf-8")
    assert "2 of" in feedback and f"{L08_1.name} is not right yet" in feedback
    assert "Copy of my_exercises (1).ipynb" in feedback


def test_a_cell_that_raises_costs_only_that_cell(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "bob") == {L08_0.name: "correct"}
    assert rows["bob"]["problems"] == "bob.ipynb: 1 cell raised"
    feedback = (out / "feedback" / "bob.md").read_text(encoding="utf-8")
    assert "cell 2: NameError: name 'undefined_name' is not defined" in feedback


def test_an_older_exercise_version_grades_what_still_exists(graded) -> None:
    rows, _, out = graded
    assert _status(rows, "carol") == {L11_0.name: "correct"}
    feedback = (out / "feedback" / "carol.md").read_text(encoding="utf-8")
    assert "AttributeError" in feedback and "another version of the course" in feedback


def test_a_notebook_that_loops_forever_is_stopped_and_keeps_earlier_checks(
    graded,
) -> None:
    rows, _, _ = graded
    assert _status(rows, "dave") == {L08_0.name: "correct"}
    assert (
        f"stopped at the {TIMEOUT:g} s time limit in cell 2" in rows["dave"]["problems"]
    )


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
    assert L11_0_RAISES == "incorrect"
    assert _status(rows, "grace") == {L11_0.name: "incorrect"}
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


def _notebook_logging(tmp_path: Path, code: str) -> Path:
    """A notebook whose cell computes ``ok`` and logs it as the check "probe"."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(code),
        nbformat.v4.new_code_cell(
            "import json, os\n"
            "line = {'check': 'probe', 'lesson': '', 'time': '',\n"
            "        'status': 'correct' if ok else 'incorrect'}\n"
            "with open(os.environ['CHAINMIND_PROGRESS'], 'a') as log:\n"
            "    log.write(json.dumps(line) + '\\n')"
        ),
    ]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.skipif(
    not grade.network_namespace(), reason="no network namespaces here (unshare)"
)
def test_kernels_run_in_a_network_namespace_with_loopback_up(tmp_path: Path) -> None:
    path = _notebook_logging(
        tmp_path,
        "import socket\n"
        "names = [name for _, name in socket.if_nameindex()]\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "client = socket.create_connection(server.getsockname(), timeout=5)\n"
        "client.close(); server.close()\n"
        "ok = names == ['lo']",
    )
    result = grade.grade_notebook(path, timeout=TIMEOUT)
    assert (result.problem, result.errors) == ("", [])
    assert result.statuses == {"probe": "correct"}


def test_a_subprocess_cannot_reach_the_network_either(tmp_path: Path) -> None:
    if not grade.network_namespace():
        pytest.skip("only the Python-level guard here: it covers the kernel only")
    path = _notebook_logging(
        tmp_path,
        "import subprocess, sys\n"
        "code = ('import socket; socket.create_connection((\"192.0.2.1\", 80), '\n"
        "        'timeout=3)')\n"
        "done = subprocess.run([sys.executable, '-c', code], capture_output=True,\n"
        "                      text=True, timeout=20)\n"
        "ok = done.returncode != 0 and 'unreachable' in done.stderr",
    )
    result = grade.grade_notebook(path, timeout=TIMEOUT)
    assert result.statuses == {"probe": "correct"}, result


def test_without_namespaces_the_python_guard_still_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(grade, "network_namespace", lambda: False)
    result = grade.grade_notebook(FIXTURES / "grace" / "11_nfts.ipynb", timeout=TIMEOUT)
    assert result.errors and "no network while grading" in result.errors[0]
    assert result.statuses == {L11_0.name: L11_0_RAISES}


def test_no_kernel_outlives_its_notebook(graded) -> None:
    """The loop that hit the time limit, like every other notebook, left nothing."""
    proc = Path("/proc")
    if not proc.is_dir():
        pytest.skip("needs /proc")
    left = []
    for entry in proc.iterdir():  # kernels are this process's children
        try:
            if not entry.name.isdigit():
                continue
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            cwd = os.readlink(entry / "cwd")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and "chainmind-grade-" in cwd:
            left.append((entry.name, cwd))
    assert left == []
