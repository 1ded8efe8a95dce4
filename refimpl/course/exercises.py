"""Generate ``exercises/`` from ``solutions/`` (``make exercises``).

Introduced in lesson 00. The solutions are the single source:

* in a code cell, the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  become ``# YOUR CODE HERE`` and ``...`` at the markers' indentation. At the top
  level, names the answer assigned are kept as ``name = ...`` so later cells still run;
* in a markdown cell, the text between ``<!-- BEGIN SOLUTION -->`` and
  ``<!-- END SOLUTION -->`` becomes a prompt for the learner's own words;
* a code cell whose first line is ``### SOLUTION CELL``, or a markdown cell whose first
  line is ``<!-- SOLUTION CELL -->``, is left out of the exercise;
* outputs and execution counts are stripped.

The output is byte-stable: generating twice writes the same bytes. An exercise that a
learner has edited is never overwritten: the fresh copy goes beside it as
``NN_topic.new.ipynb`` unless ``--force`` is given.

Usage: ``python -m refimpl.course.exercises [--solutions DIR] [--out DIR] [--force]``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
from pathlib import Path

__all__ = [
    "MarkerError",
    "generate_notebook",
    "render",
    "strip_code",
    "strip_markdown",
    "write_exercises",
]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MD_BEGIN, MD_END = "<!-- BEGIN SOLUTION -->", "<!-- END SOLUTION -->"
SOLUTION_CELL = "### SOLUTION CELL"
MD_SOLUTION_CELL = "<!-- SOLUTION CELL -->"
MD_PROMPT = "*Write your answer here.*"
_ASSIGN = re.compile(r"^([A-Za-z_]\w*)\s*(?::[^=]+)?=(?!=)")


class MarkerError(ValueError):
    """Solution markers that are nested, unterminated or unmatched."""


def _strip(lines: list[str], begin: str, end: str, where: str, fill) -> list[str]:
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for number, line in enumerate(lines, start=1):
        marker = line.strip()
        if marker == begin:
            if region is not None:
                raise MarkerError(f"{where}, line {number}: nested {begin!r}")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif marker == end:
            if region is None:
                raise MarkerError(f"{where}, line {number}: {end!r} without a begin")
            out.extend(fill(indent, region))
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise MarkerError(f"{where}: {begin!r} is never closed with {end!r}")
    return out


def _code_fill(indent: str, region: list[str]) -> list[str]:
    filled = [f"{indent}# YOUR CODE HERE"]
    if indent:
        return filled + [f"{indent}..."]
    names = []
    for line in region:
        match = _ASSIGN.match(line)
        if match and match.group(1) not in names:
            names.append(match.group(1))
    return filled + ([f"{name} = ..." for name in names] or ["..."])


def strip_code(source: str, where: str = "cell") -> str:
    """Replace each solution region of a code cell's source with a stub."""
    return "\n".join(_strip(source.split("\n"), BEGIN, END, where, _code_fill))


def strip_markdown(source: str, where: str = "cell") -> str:
    """Replace each solution region of a markdown cell with a prompt."""
    fill = lambda indent, region: [MD_PROMPT]
    return "\n".join(_strip(source.split("\n"), MD_BEGIN, MD_END, where, fill))


def _fingerprint(cells: list[dict]) -> str:
    """A hash of what the learner may edit: the cells' kinds and sources."""
    text = json.dumps([[c["cell_type"], _source(c)] for c in cells], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def generate_notebook(solution: dict, name: str = "notebook") -> dict:
    """The exercise notebook (as a dict) made from a solution notebook (a dict)."""
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb["cells"], start=1):
        where = f"{name}, cell {index}"
        source = _source(cell)
        if cell["cell_type"] == "code":
            if source.lstrip().startswith(SOLUTION_CELL):
                continue
            cell["source"] = strip_code(source, where)
            cell["outputs"] = []
            cell["execution_count"] = None
            cell["metadata"] = {
                k: v for k, v in cell.get("metadata", {}).items() if k in ("tags",)
            }
        elif cell["cell_type"] == "markdown":
            if source.lstrip().startswith(MD_SOLUTION_CELL):
                continue
            cell["source"] = strip_markdown(source, where)
        cells.append(cell)
    nb["cells"] = cells
    meta = nb.setdefault("metadata", {})
    meta.pop("widgets", None)
    meta["chainmind"] = {"generated_from": name, "fingerprint": _fingerprint(cells)}
    return nb


def render(nb: dict) -> str:
    """Serialize a notebook the way Jupyter does, so the bytes are stable."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        cell["source"] = _source(cell).splitlines(keepends=True)
    return json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _learner_edited(path: Path) -> bool:
    """True when an existing exercise differs from what was generated into it."""
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    stored = nb.get("metadata", {}).get("chainmind", {}).get("fingerprint")
    return stored != _fingerprint(nb.get("cells", []))


def write_exercises(
    solutions: Path, out: Path, *, force: bool = False, log=print
) -> list[Path]:
    """Write every exercise into ``out`` from ``solutions``; return what was written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src in sorted(solutions.glob("*.ipynb")):
        solution = json.loads(src.read_text(encoding="utf-8"))
        text = render(generate_notebook(solution, f"{solutions.name}/{src.name}"))
        target = out / src.name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        if target.exists() and not force and _learner_edited(target):
            target = target.with_suffix(".new.ipynb")
            log(f"kept your work in {out / src.name}; fresh copy: {target}")
        target.write_text(text, encoding="utf-8")
        written.append(target)
        log(f"wrote {target}")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--solutions", type=Path, default=Path("solutions"))
    parser.add_argument("--out", type=Path, default=Path("exercises"))
    parser.add_argument(
        "--force", action="store_true", help="overwrite exercises you have edited"
    )
    args = parser.parse_args(argv)
    try:
        written = write_exercises(args.solutions, args.out, force=args.force)
    except MarkerError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not written:
        print(f"{args.out}/ is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
