"""Time a run-through of every lesson, for INSTRUCTORS.md.

For each lesson this runs the notebook top to bottom in a fresh kernel (the measured
machine time), counts the words of its prose and code (read at 150 and 50 words a
minute: an estimate, said so in the table) and counts the exercise checks of its
solution notebook (about 6 minutes each in a room: another estimate). It prints a
Markdown table.

Usage: ``python scripts/lesson_timings.py [lessons/NN_*.ipynb ...]``
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
PROSE_WPM, CODE_WPM, MINUTES_PER_EXERCISE = 150, 50, 6


def words(nb: dict, kind: str) -> int:
    text = " ".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == kind)
    return len(re.findall(r"\w+", text))


def exercises(name: str) -> int:
    path = ROOT / "solutions" / name
    if not path.exists():
        return 0
    nb = json.loads(path.read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
    return sum(
        1
        for s in sources
        if "### BEGIN SOLUTION" in s and not s.lstrip().startswith("### SOLUTION CELL")
    )


def run_seconds(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(
        nb, timeout=600, resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return time.perf_counter() - start


def main(paths: list[str]) -> None:
    lessons = [Path(p) for p in paths] or sorted((ROOT / "lessons").glob("*.ipynb"))
    print(
        "| lesson | run (s, measured) | read (min, est.) | exercises | "
        "exercise time (min, est.) |"
    )
    print("|---|---:|---:|---:|---:|")
    for path in lessons:
        nb = json.loads(path.read_text(encoding="utf-8"))
        seconds = run_seconds(path)
        read = words(nb, "markdown") / PROSE_WPM + words(nb, "code") / CODE_WPM
        n_ex = exercises(path.name)
        print(
            f"| {path.stem} | {seconds:.1f} | {read:.0f} | {n_ex} | "
            f"{n_ex * MINUTES_PER_EXERCISE} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
