"""The learner's progress log and table (issue 13 §2); never the real log."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from refimpl.course import FunctionCheck, progress
from refimpl.course import progress as progress_module

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def log(tmp_path, monkeypatch):
    path = tmp_path / "sub" / "progress.jsonl"
    monkeypatch.setenv("CHAINMIND_PROGRESS", str(path))
    return path


def test_the_suite_never_writes_the_real_log():
    assert os.environ.get("CHAINMIND_PROGRESS")
    assert Path(os.environ["CHAINMIND_PROGRESS"]).resolve() != (
        ROOT / ".chainmind" / "progress.jsonl"
    )


def test_default_path_is_a_git_ignored_folder_of_the_course(monkeypatch):
    monkeypatch.delenv("CHAINMIND_PROGRESS")
    assert progress_module.log_path() == ROOT / ".chainmind" / "progress.jsonl"
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert ".chainmind/" in ignored


def test_each_check_call_appends_one_line_in_the_contract_format(log, capsys):
    check = FunctionCheck(
        "98.1 double", reference=lambda x: 2 * x, cases=[(1,), (5,)], hints=["h"]
    )
    check.check(lambda x: 2 * x)
    check.check(lambda x: x + 1)
    check.check(...)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(e["check"], e["lesson"], e["status"]) for e in lines] == [
        ("98.1 double", "98", "correct"),
        ("98.1 double", "98", "incorrect"),
        ("98.1 double", "98", "not attempted"),
    ]
    for entry in lines:
        assert set(entry) == {"check", "lesson", "status", "time"}
        assert entry["time"].endswith("Z") and entry["time"][10] == "T"


def test_writing_never_raises_into_a_learners_cell(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CHAINMIND_PROGRESS", str(blocker / "progress.jsonl"))
    assert progress_module.record("01.1 x", "correct") is False
    check = FunctionCheck("98.2 one", reference=lambda: 1, cases=[()], hints=["h"])
    check.check(lambda: 1)
    assert "correct" in capsys.readouterr().out
    readonly = tmp_path / "ro"
    readonly.mkdir()
    readonly.chmod(0o500)
    monkeypatch.setenv("CHAINMIND_PROGRESS", str(readonly / "progress.jsonl"))
    try:
        check.check(lambda: 1)
    finally:
        readonly.chmod(0o700)


def test_summary_per_lesson_and_broken_lines_are_skipped(log):
    names = progress_module._course_checks()
    first, second, third = names[0], names[1], names[2]
    lines = [
        {"check": first, "lesson": "00", "status": "incorrect", "time": "t"},
        {"check": first, "lesson": "00", "status": "correct", "time": "t"},
        {"check": first, "lesson": "00", "status": "incorrect", "time": "t"},
        {"check": second, "lesson": "00", "status": "incorrect", "time": "t"},
        {"check": third, "lesson": "00", "status": "not attempted", "time": "t"},
    ]
    log.parent.mkdir(parents=True)
    text = "".join(json.dumps(line) + "\n" for line in lines)
    log.write_text(text + "{broken\n" + "[" * 100 + "\n" + '{"check": 3}\n')
    rows = progress_module.summary()
    row = rows[0]
    assert row.lesson == "00" and row.title == "welcome"
    assert row.correct == [first]  # once right, it stays right
    assert row.attempted == [second]
    assert third in row.untouched  # running the stub is not an attempt
    assert sum(r.total for r in rows) == len(names)
    assert [r.lesson for r in rows] == sorted({r.lesson for r in rows})
    text = progress_module.as_text(rows)
    assert "00 welcome" in text and f"1/{row.total}" in text
    assert "<table>" in progress_module.as_html(rows)


def test_progress_is_callable_and_prints_a_table(log, capsys):
    progress()
    out = capsys.readouterr().out
    assert out.startswith("lesson") and "untouched" in out
    assert f"0 of {len(progress_module._course_checks())} exercises correct" in out


def _cli(*args, env):
    return subprocess.run(
        [sys.executable, "-W", "error", "-m", "refimpl.course.progress", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_command_line_table_and_reset(log):
    env = dict(os.environ, CHAINMIND_PROGRESS=str(log))
    progress_module.record(progress_module._course_checks()[0], "correct")
    shown = _cli(env=env)
    assert shown.returncode == 0, shown.stderr
    assert "1 of" in shown.stdout and str(log) in shown.stdout
    reset = _cli("--reset", env=env)
    assert reset.returncode == 0 and "progress reset" in reset.stdout
    assert not log.exists()
    again = _cli("--reset", env=env)
    assert again.returncode == 0 and "no progress yet" in again.stdout


def test_makefile_has_the_two_targets():
    makefile = (ROOT / "Makefile").read_text()
    assert "python -m refimpl.course.progress\n" in makefile
    assert "python -m refimpl.course.progress --reset" in makefile
