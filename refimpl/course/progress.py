"""Your progress through the exercises: a log every ``check()`` appends to, and a table.

Introduced in lesson 00. ``from refimpl.course import progress; progress()`` shows, per
lesson, which exercises are correct, attempted (tried, not yet right) or untouched; in a
terminal ``make progress`` (``python -m refimpl.course.progress``) prints the same, and
``make progress-reset`` (``python -m refimpl.course.progress --reset``) starts afresh.

The log stays in your working copy and is never sent anywhere. It is a JSON-lines
file, by default ``.chainmind/progress.jsonl`` at the root of the course (a git-ignored
folder).

**Contract** (the instructors' grading tool relies on it; keep it stable):

* The environment variable ``CHAINMIND_PROGRESS``, when set and not empty, is the path
  of the log file instead of the default (the grading tool points it at a file of its
  own to collect one notebook's results; the test suite points it at a temporary file).
* Each ``Check.check()`` call appends exactly one line, a JSON object with four keys:
  ``{"check": "01.2 pad", "lesson": "01", "status": "correct", "time": "2026-…Z"}``:
  ``check`` is the check's name, ``lesson`` its two-digit lesson number (``""`` for a
  check outside the course), ``status`` one of ``"correct"``, ``"incorrect"`` or
  ``"not attempted"``, and ``time`` an ISO 8601 UTC timestamp (seconds).
* Writing the log never raises into a learner's cell: a read-only folder or a full disk
  only means that the line is not written.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import types
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

__all__ = [
    "ENV_VAR",
    "LessonProgress",
    "log_path",
    "read_log",
    "record",
    "reset",
    "show",
    "summary",
]

ENV_VAR = "CHAINMIND_PROGRESS"
STATUSES = ("correct", "incorrect", "not attempted")
_ROOT = Path(__file__).resolve().parents[2]
_LESSON = re.compile(r"^(\d\d)\.")
_MAX_LINE = 2000  # a line longer than this was not written by record()


def log_path() -> Path:
    """The log: ``$CHAINMIND_PROGRESS``, else ``.chainmind/`` at the course's root."""
    override = os.environ.get(ENV_VAR, "")
    if override:
        return Path(override).expanduser()
    if (_ROOT / "pyproject.toml").exists() or (_ROOT / "lessons").is_dir():
        return _ROOT / ".chainmind" / "progress.jsonl"
    return Path.home() / ".chainmind" / "progress.jsonl"  # installed without a clone


def lesson_of(check_name: str) -> str:
    """``"01.2 pad"`` -> ``"01"``; ``""`` for a name without a lesson number."""
    match = _LESSON.match(check_name)
    return match.group(1) if match else ""


def record(check_name: str, status: str) -> bool:
    """Append one line for a ``check()`` call; False (never an error) if it failed."""
    try:
        line = json.dumps(
            {
                "check": str(check_name),
                "lesson": lesson_of(str(check_name)),
                "status": str(status),
                "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
            ensure_ascii=False,
        )
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")  # one write: lines from two kernels never interleave
        return True
    except Exception:  # a read-only folder must not break a learner's cell
        return False


def read_log(path: Path | None = None) -> list[dict]:
    """The log's well-formed lines, oldest first (broken lines are skipped)."""
    from refimpl import boundedjson

    path = log_path() if path is None else path
    entries = []
    try:
        with open(path, encoding="utf-8", errors="replace") as log:
            for line in log:
                if len(line) > _MAX_LINE:
                    continue
                try:
                    entry = boundedjson.loads(line, max_depth=2)
                except ValueError:
                    continue
                if (
                    isinstance(entry, dict)
                    and isinstance(entry.get("check"), str)
                    and entry.get("status") in STATUSES
                ):
                    entries.append(entry)
    except OSError:
        return []
    return entries


def reset(path: Path | None = None) -> bool:
    """Forget all progress (delete the log); True if there was one."""
    path = log_path() if path is None else path
    try:
        path.unlink()
        return True
    except FileNotFoundError:
        return False


@dataclass
class LessonProgress:
    """One lesson's exercises, by state (each a list of check names)."""

    lesson: str
    title: str
    correct: list[str] = field(default_factory=list)
    attempted: list[str] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.correct) + len(self.attempted) + len(self.untouched)


def _course_checks() -> list[str]:
    """Every exercise's check name, in course order (imports the check modules)."""
    import importlib
    import pkgutil

    import refimpl.course.checks as package

    names: list[str] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not re.fullmatch(r"l\d\d", info.name):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for value in vars(module).values():
            name = getattr(value, "name", None)
            if hasattr(value, "evaluate") and isinstance(name, str) and lesson_of(name):
                if name not in names:
                    names.append(name)
    return sorted(names, key=_order)


def _order(name: str) -> tuple:
    number = name.split()[0]
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


def summary(entries: list[dict] | None = None) -> list[LessonProgress]:
    """Per lesson: exercises ever correct, tried but never correct, and untouched."""
    from refimpl.course.course_map import LESSONS

    entries = read_log() if entries is None else entries
    best: dict[str, str] = {}
    for entry in entries:
        status = entry["status"]
        if status == "correct":
            best[entry["check"]] = "correct"
        elif status == "incorrect" and best.get(entry["check"]) != "correct":
            best[entry["check"]] = "attempted"
    titles = {f"{lesson.number:02d}": lesson.title for lesson in LESSONS}
    rows: dict[str, LessonProgress] = {}
    for name in _course_checks():
        lesson = lesson_of(name)
        row = rows.setdefault(lesson, LessonProgress(lesson, titles.get(lesson, "")))
        getattr(
            row,
            {"correct": "correct", "attempted": "attempted"}.get(
                best.get(name, ""), "untouched"
            ),
        ).append(name)
    return [rows[key] for key in sorted(rows)]


def _numbers(names: list[str]) -> str:
    return ", ".join(name.split()[0] for name in names) or "-"


def as_text(rows: list[LessonProgress]) -> str:
    """The progress table for a terminal."""
    head = ("lesson", "correct", "attempted (not yet right)", "untouched")
    table = [head] + [
        (
            f"{r.lesson} {r.title}"[:34],
            f"{len(r.correct)}/{r.total}",
            _numbers(r.attempted),
            _numbers(r.untouched),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[3]
        for row in table
    ]
    done = sum(len(r.correct) for r in rows)
    total = sum(r.total for r in rows)
    lines.append(f"\n{done} of {total} exercises correct. Log: {log_path()}")
    return "\n".join(lines)


def as_html(rows: list[LessonProgress]) -> str:
    """The progress table for Jupyter."""
    cells = "".join(
        "<tr><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td></tr>".format(
            html.escape(f"{r.lesson} {r.title}"),
            len(r.correct),
            r.total,
            html.escape(_numbers(r.attempted)),
            html.escape(_numbers(r.untouched)),
        )
        for r in rows
    )
    done = sum(len(r.correct) for r in rows)
    total = sum(r.total for r in rows)
    return (
        "<table><thead><tr><th>lesson</th><th>correct</th>"
        "<th>attempted (not yet right)</th><th>untouched</th></tr></thead>"
        f"<tbody>{cells}</tbody></table>"
        f"<p>{done} of {total} exercises correct.</p>"
    )


class _Table:
    def __init__(self, rows: list[LessonProgress]):
        self.rows = rows

    def __repr__(self) -> str:
        return as_text(self.rows)

    def _repr_html_(self) -> str:
        return as_html(self.rows)


def show() -> None:
    """Show the progress table (HTML in Jupyter, text elsewhere)."""
    table = _Table(summary())
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        shell = None
    if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
        from IPython.display import display

        display(table)
    else:
        print(as_text(table.rows))


class _CallableModule(types.ModuleType):
    """``from refimpl.course import progress; progress()`` calls :func:`show`."""

    def __call__(self) -> None:
        show()


sys.modules[__name__].__class__ = _CallableModule


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Your progress through the exercises.")
    parser.add_argument("--reset", action="store_true", help="forget all progress")
    args = parser.parse_args(argv)
    if args.reset:
        had = reset()
        print(f"progress reset ({log_path()} removed)" if had else "no progress yet")
        return 0
    print(as_text(summary()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
