"""Grade a room's exercise notebooks: ``make grade SUBMISSIONS=DIR [OUT=grades/]``.

Introduced in lesson 00 (the instructors' side of ``check()``). No cell metadata, no
database, no container: each notebook runs top to bottom in a fresh kernel, and the
course's own checks say what is right. Every ``check()`` call appends one JSON line to
the file named by ``$CHAINMIND_PROGRESS`` (the contract of ``refimpl.course.progress``);
the grader points that variable at a new file per notebook and reads it back.

* **Learners.** A file directly in ``SUBMISSIONS`` is one learner, named by its stem;
  a subfolder is one learner, named by the folder, with every file below it. File
  names do not matter: a renamed notebook, moved or deleted cells, a notebook from an
  older version of the course all grade by the checks they call.
* **Limits.** Each notebook has a time limit (``--timeout``, default 300 s) after which
  its kernel is stopped; checks run before it still count. No network: on Linux
  the kernel runs in a network namespace of its own (``unshare``; only loopback,
  reached by us over Unix sockets), and everywhere Python's sockets refuse every
  address but loopback (a guard run before the first cell).
  A notebook that raises goes on to its next cell (``allow_errors``), so one bug costs
  one exercise. A file that is not a notebook gets an entry saying so. Grading never
  stops.
* **Output.** ``OUT/grades.csv``: one row per learner, one column per exercise (every
  check of the course, so untouched ones show: ``correct``, ``incorrect``,
  ``not attempted`` or ``untouched``), then ``correct``, ``out_of``, ``percent``,
  ``notebooks`` and ``problems``. ``OUT/feedback/<learner>.md``: a short note per
  learner. A check called several times counts by its best result.

The guard and the log keep honest learners' runs comparable; they are not a sandbox
against a learner who sets out to cheat (run untrusted work in a throwaway account).
"""

from __future__ import annotations

import argparse
import csv
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_TIMEOUT",
    "UNTOUCHED",
    "LearnerResult",
    "NotebookResult",
    "course_checks",
    "find_submissions",
    "grade_folder",
    "grade_notebook",
    "main",
    "network_namespace",
    "read_progress",
    "write_grades",
]

DEFAULT_TIMEOUT = 300.0
UNTOUCHED = "untouched"
ENV_VAR = "CHAINMIND_PROGRESS"  # the contract with refimpl.course.progress
_RANK = {UNTOUCHED: 0, "not attempted": 1, "incorrect": 2, "correct": 3}
_ICON = {"correct": "✅", "incorrect": "❌", "not attempted": "⏳", UNTOUCHED: "·"}
_MAX_NOTEBOOK_BYTES = 50 << 20

# Run in the kernel before the learner's first cell: sockets reach loopback only.
# In a network namespace of its own (Linux), loopback starts down: bring it up so a
# learner's local server still works; elsewhere this does nothing.
_NETWORK_GUARD = """
def _chainmind_no_network():
    import ipaddress
    import socket
    import struct

    try:
        import fcntl

        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            request = struct.pack("16sH14s", b"lo", 0, b"")
            flags = struct.unpack("16sH14s", fcntl.ioctl(probe, 0x8913, request))[1]
            up = struct.pack("16sH14s", b"lo", flags | 1, b"")
            fcntl.ioctl(probe, 0x8914, up)
    except (ImportError, OSError):
        pass

    def loopback(host):
        if host in ("localhost", "", None):
            return True
        try:
            return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
        except ValueError:
            return False

    def refuse(host):
        raise OSError(f"no network while grading: {host!r} is not loopback")

    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    getaddrinfo = socket.getaddrinfo

    inet = (socket.AF_INET, socket.AF_INET6)

    def guarded_connect(self, address):
        if self.family in inet and not loopback(address[0]):
            refuse(address[0])
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if self.family in inet and not loopback(address[0]):
            refuse(address[0])
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not loopback(host.decode() if isinstance(host, bytes) else host):
            raise socket.gaierror(f"no network while grading: {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.getaddrinfo = guarded_getaddrinfo


_chainmind_no_network()
del _chainmind_no_network
"""


@dataclass
class NotebookResult:
    """One submitted file: what its checks said and what went wrong running it."""

    path: str
    statuses: dict[str, str] = field(default_factory=dict)
    problem: str = ""
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ran(self) -> bool:
        return not self.problem.startswith("not a notebook")


@dataclass
class LearnerResult:
    """One learner: the best status of each check over all their notebooks."""

    learner: str
    notebooks: list[NotebookResult] = field(default_factory=list)

    def statuses(self) -> dict[str, str]:
        best: dict[str, str] = {}
        for nb in self.notebooks:
            for name, status in nb.statuses.items():
                if _RANK[status] > _RANK.get(best.get(name, UNTOUCHED), 0):
                    best[name] = status
        return best

    def problems(self) -> list[str]:
        found = []
        for nb in self.notebooks:
            if nb.problem:
                found.append(f"{nb.path}: {nb.problem}")
            if nb.errors:
                cells = "cell" if len(nb.errors) == 1 else "cells"
                found.append(f"{nb.path}: {len(nb.errors)} {cells} raised")
        return found


def _order(name: str) -> tuple[int, ...]:
    number = name.split()[0]
    return tuple(int(p) if p.isdigit() else 0 for p in number.split("."))


def course_checks() -> list[str]:
    """Every check's name (``"01.2 pad"``) in course order, from the check modules."""
    import importlib
    import pkgutil

    import refimpl.course.checks as package
    from refimpl.course.feedback import Check

    names: set[str] = set()
    for info in pkgutil.iter_modules(package.__path__):
        if not re.fullmatch(r"l\d\d", info.name):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for attr in getattr(module, "__all__", []):
            value = getattr(module, attr, None)
            if isinstance(value, Check):
                names.add(value.name)
    return sorted(names, key=_order)


def find_submissions(root: Path) -> dict[str, list[Path]]:
    """Learner -> their files: a top-level file is a learner, so is a subfolder."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"SUBMISSIONS is not a folder: {root}")

    def visible(path: Path) -> bool:
        rel = path.relative_to(root).parts
        return not any(p.startswith(".") or p == "__pycache__" for p in rel)

    learners: dict[str, list[Path]] = {}
    for entry in sorted(root.iterdir()):
        if not visible(entry):
            continue
        if entry.is_file():
            learners.setdefault(entry.stem, []).append(entry)
        elif entry.is_dir():
            files = sorted(p for p in entry.rglob("*") if p.is_file() and visible(p))
            learners.setdefault(entry.name, []).extend(files)
    return learners


def read_progress(path: Path) -> dict[str, str]:
    """The best status per check in a progress log (lines that break the contract
    are skipped: :func:`refimpl.course.progress.read_log` reads it)."""
    from refimpl.course.progress import read_log

    best: dict[str, str] = {}
    for entry in read_log(Path(path)):
        name, status = entry["check"], entry["status"]
        if _RANK[status] > _RANK.get(best.get(name, UNTOUCHED), 0):
            best[name] = status
    return best


def _read_notebook(path: Path) -> Any:
    """The notebook at ``path`` (nbformat 4), or ValueError saying why it is not one."""
    import nbformat

    from refimpl import boundedjson

    if path.suffix.lower() != ".ipynb":
        raise ValueError(f"not a notebook: a {path.suffix or 'file without extension'}")
    size = path.stat().st_size
    if size > _MAX_NOTEBOOK_BYTES:
        raise ValueError(f"not a notebook: {size} bytes is too large")
    try:
        text = path.read_text(encoding="utf-8")
        data = boundedjson.loads(text, max_bytes=_MAX_NOTEBOOK_BYTES, max_depth=64)
    except (UnicodeDecodeError, ValueError) as exc:
        why = _cut(str(exc), 60)
        raise ValueError(f"not a notebook: not valid JSON ({why})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise ValueError("not a notebook: JSON without a list of cells")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as exc:  # nbformat raises many kinds for a broken notebook
        raise ValueError(f"not a notebook: {type(exc).__name__}") from None
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return nb


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell_errors(cell: Any, number: int) -> list[str]:
    return [
        f"cell {number}: {out.get('ename', 'Error')}: {_cut(out.get('evalue', ''), 99)}"
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def grade_notebook(
    path: Path, *, timeout: float = DEFAULT_TIMEOUT, name: str | None = None
) -> NotebookResult:
    """Run one file in a fresh kernel (at most ``timeout`` seconds); never raises."""
    result = NotebookResult(name or Path(path).name)
    started = time.monotonic()
    try:
        nb = _read_notebook(Path(path))
    except (OSError, ValueError) as exc:
        result.problem = str(exc) if str(exc).startswith("not a") else f"not a {exc}"
        return result
    with tempfile.TemporaryDirectory(prefix="chainmind-grade-") as work:
        log = Path(work) / "progress.jsonl"
        try:
            _execute(nb, Path(work), log, timeout, result)
        except Exception as exc:  # a dead or unstartable kernel is an entry, not a stop
            result.problem = f"the run failed: {type(exc).__name__}: {_cut(exc, 100)}"
        result.statuses = read_progress(log)
    result.seconds = time.monotonic() - started
    return result


_UNSHARE = ["unshare", "--user", "--map-root-user", "--net"]


@functools.cache
def network_namespace() -> bool:
    """Can kernels run in a network namespace of their own (Linux ``unshare``)?"""
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    try:
        done = subprocess.run(
            [*_UNSHARE, "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _kernel_manager(work: Path) -> Any:
    """A kernel manager; on Linux with ``unshare``, for a kernel without network.

    The kernel then lives in a network namespace with nothing but its own loopback,
    and talks to us over Unix sockets in ``work`` (the IPC transport), which need no
    network at all.
    """
    # nbclient drives kernels with asyncio: a blocking client would stall it.
    from jupyter_client.manager import AsyncKernelManager

    if not network_namespace():
        return AsyncKernelManager(kernel_name="python3")

    class NoNetworkKernelManager(AsyncKernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list:
            return [*_UNSHARE, *super().format_kernel_cmd(extra_arguments)]

    return NoNetworkKernelManager(
        kernel_name="python3", transport="ipc", ip=str(work / "kernel")
    )


def _execute(
    nb: Any, work: Path, log: Path, timeout: float, result: NotebookResult
) -> None:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    nb.cells.insert(0, nbformat.v4.new_code_cell(_NETWORK_GUARD))
    env = dict(os.environ)
    env.update({ENV_VAR: str(log), "MPLBACKEND": "agg", "OMP_WAIT_POLICY": "PASSIVE"})
    client = NotebookClient(
        nb,
        km=_kernel_manager(work),
        timeout=int(timeout) + 1,
        kernel_name="python3",
        allow_errors=True,
        interrupt_on_timeout=False,
        record_timing=False,
        resources={"metadata": {"path": str(work)}},
    )
    deadline = time.monotonic() + timeout
    client.reset_execution_trackers()
    # The kernel's own log lines (transport warnings) are not the learner's output.
    # cleanup_kc: we made the manager, so nbclient would leave the kernel running.
    with client.setup_kernel(env=env, stderr=subprocess.DEVNULL, cleanup_kc=True):
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            left = deadline - time.monotonic()
            if left <= 0:
                result.problem = _timed_out(timeout, index)
                return
            client.timeout = max(1, int(left + 0.999))
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                result.problem = _timed_out(timeout, index)
                return
            except DeadKernelError:
                result.problem = f"the kernel died at cell {index}"
                return
            if index == 0:
                if _cell_errors(cell, 0):
                    raise RuntimeError("the network guard failed")
                continue
            result.errors += _cell_errors(cell, index)


def _timed_out(timeout: float, index: int) -> str:
    return (
        f"stopped at the {timeout:g} s time limit in cell {index}; "
        "checks before it count"
    )


def grade_folder(
    root: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    say: Callable[[str], None] = print,
) -> list[LearnerResult]:
    """Grade every learner's files under ``root``, one notebook at a time."""
    results = []
    for learner, files in find_submissions(Path(root)).items():
        learner_result = LearnerResult(learner)
        say(f"{learner}:")
        for path in files:
            rel = path.relative_to(root).as_posix()
            nb = grade_notebook(path, timeout=timeout, name=rel)
            learner_result.notebooks.append(nb)
            done = sum(s == "correct" for s in nb.statuses.values())
            note = f"; {nb.problem}" if nb.problem else ""
            errors = f"; {len(nb.errors)} cell(s) raised" if nb.errors else ""
            say(f"  {rel}: {done} correct, {nb.seconds:.1f} s{errors}{note}")
        results.append(learner_result)
    return results


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _file_name(learner: str, taken: set[str]) -> str:
    base = _SAFE.sub("_", learner).strip("._") or "learner"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name + ".md"


def _feedback(result: LearnerResult, checks: list[str]) -> str:
    statuses = result.statuses()
    correct = sum(statuses.get(c) == "correct" for c in checks)
    percent = 100.0 * correct / len(checks) if checks else 0.0
    lines = [
        f"# Feedback for {result.learner}",
        "",
        f"{correct} of {len(checks)} exercises correct ({percent:.1f} %).",
        "",
        "## Your files",
        "",
    ]
    if not result.notebooks:
        lines.append("- no files were handed in")
    for nb in result.notebooks:
        if not nb.ran:
            lines.append(f"- `{nb.path}`: {nb.problem}; it was not graded")
            continue
        text = f"- `{nb.path}`: ran in {nb.seconds:.1f} s"
        if nb.problem:
            text += f"; {nb.problem}"
        lines.append(text)
        for error in nb.errors[:5]:
            hint = ""
            if "AttributeError" in error and "refimpl.course.checks" in error:
                hint = " (an exercise from another version of the course?)"
            lines.append(f"  - {error}{hint}")
        if len(nb.errors) > 5:
            lines.append(f"  - … and {len(nb.errors) - 5} more cells raised")
    lines += ["", "## Exercises", ""]
    untouched_lessons = []
    by_lesson: dict[str, list[str]] = {}
    for name in checks:
        by_lesson.setdefault(name.split(".")[0], []).append(name)
    for lesson, names in by_lesson.items():
        if all(statuses.get(n, UNTOUCHED) == UNTOUCHED for n in names):
            untouched_lessons.append(lesson)
            continue
        parts = [f"{_ICON[statuses.get(n, UNTOUCHED)]} {n.split()[0]}" for n in names]
        lines.append(f"- lesson {lesson}: " + ", ".join(parts))
        wrong = [n for n in names if statuses.get(n) == "incorrect"]
        for name in wrong:
            module, attr = f"l{lesson}", name.split(maxsplit=1)[-1]
            lines.append(
                f"  - {name} is not right yet: run `{module}.{attr}.check(...)` "
                f"again and read its message; `{module}.{attr}.hint()` helps"
            )
    if untouched_lessons:
        lines.append("- not started: lessons " + ", ".join(untouched_lessons))
    lines += ["", "✅ correct · ❌ incorrect · ⏳ not attempted yet · · untouched", ""]
    return "\n".join(lines)


def write_grades(
    results: list[LearnerResult], out: Path, checks: list[str] | None = None
) -> Path:
    """Write ``out/grades.csv`` and ``out/feedback/<learner>.md``; return the CSV."""
    checks = course_checks() if checks is None else checks
    out = Path(out)
    feedback_dir = out / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    header = ["learner", *checks, "correct", "out_of", "percent", "notebooks"]
    header.append("problems")
    taken: set[str] = set()
    csv_path = out / "grades.csv"
    with open(csv_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for result in sorted(results, key=lambda r: r.learner.lower()):
            statuses = result.statuses()
            row = [statuses.get(name, UNTOUCHED) for name in checks]
            correct = row.count("correct")
            percent = 100.0 * correct / len(checks) if checks else 0.0
            ran = sum(nb.ran for nb in result.notebooks)
            writer.writerow(
                [
                    result.learner,
                    *row,
                    correct,
                    len(checks),
                    f"{percent:.1f}",
                    ran,
                    "; ".join(result.problems()),
                ]
            )
            name = _file_name(result.learner, taken)
            (feedback_dir / name).write_text(
                _feedback(result, checks), encoding="utf-8"
            )
    return csv_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m refimpl.course.grade",
        description="Grade a folder of learners' exercise notebooks with the checks.",
    )
    parser.add_argument("submissions", type=Path, help="one file or subfolder each")
    parser.add_argument("--out", type=Path, default=Path("grades"))
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds per notebook (default {DEFAULT_TIMEOUT:g})",
    )
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        print(
            f"grade: SUBMISSIONS is not a folder: {args.submissions}", file=sys.stderr
        )
        return 2
    if args.timeout <= 0:
        print("grade: --timeout must be a positive number of seconds", file=sys.stderr)
        return 2
    started = time.monotonic()
    checks = course_checks()
    results = grade_folder(args.submissions, timeout=args.timeout, say=print)
    csv_path = write_grades(results, args.out, checks)
    print(
        f"grade: {len(results)} learners, {len(checks)} exercises, "
        f"{time.monotonic() - started:.0f} s -> {csv_path} and {args.out / 'feedback'}/"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
