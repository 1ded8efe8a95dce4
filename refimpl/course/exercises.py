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

Markers must be exact. A line that looks like a marker but is not one (``### Begin
Solution``, ``### BEGIN SOLUTION (part 1)``, ``#BEGIN SOLUTION``), a marker in the wrong
kind of cell (a code marker in markdown, any marker in a raw cell), ``### SOLUTION
CELL`` below a cell's first line, and a cell with CR line endings are refused with an
error naming the notebook, the cell and the line, so an answer is never copied into an
exercise by accident. A notebook that is not valid notebook JSON is named in the error.
Every input is checked before anything is written: when one fails, nothing changes.

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

from refimpl import boundedjson

__all__ = [
    "ExerciseError",
    "MarkerError",
    "NotebookError",
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


_MARKERISH = re.compile(r"(begin|end)[\s_-]*solution|solution[\s_-]*cell", re.I)
_VALID = {
    "code": {BEGIN, END, SOLUTION_CELL},
    "markdown": {MD_BEGIN, MD_END, MD_SOLUTION_CELL},
    "raw": set(),
}
_MAX_NOTEBOOK = 64 << 20  # bytes; solutions notebooks are a few tens of KB


class ExerciseError(ValueError):
    """A solutions notebook the generator refuses (the message names it)."""


class MarkerError(ExerciseError):
    """Solution markers that are nested, unterminated, unmatched or near misses."""


class NotebookError(ExerciseError):
    """A file that is not a valid notebook."""


def _looks_like_marker(cell_type: str, line: str) -> bool:
    """A marker-like phrase in a comment (code, raw) or a heading/comment (markdown);
    a mention in prose (``the `### BEGIN SOLUTION` marker``) is not one."""
    match = _MARKERISH.search(line)
    if match is None:
        return False
    before = line[: match.start()]
    if "<!--" in before:
        return True
    if cell_type == "markdown":
        return line.lstrip().startswith("#")
    return "#" in before


def check_markers(cell_type: str, source: str, where: str) -> None:
    """Refuse near-miss markers, markers in the wrong cell kind and CR line endings."""
    if "\r" in source and _MARKERISH.search(source):
        raise MarkerError(
            f"{where}: CR line endings around a solution marker; save the notebook "
            "with plain newlines (\\n)"
        )
    valid = _VALID.get(cell_type, set())
    for number, line in enumerate(source.split("\n"), start=1):
        text = line.strip()
        if not _looks_like_marker(cell_type, line):
            continue
        if text not in valid:
            exact = _VALID["code"] | _VALID["markdown"]
            why = (
                f"a solution marker in a {cell_type} cell"
                if text in exact
                else "this looks like a solution marker but is not exactly one"
            )
            allowed = " / ".join(sorted(valid)) or "none in a raw cell"
            raise MarkerError(
                f"{where}, line {number}: {why}: {text!r} (markers here: {allowed})"
            )
        if (
            text in (SOLUTION_CELL, MD_SOLUTION_CELL)
            and source.lstrip().split("\n", 1)[0].strip() != text
        ):
            raise MarkerError(
                f"{where}, line {number}: {text!r} must be the first line"
            )


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


def _validate(nb: object, name: str) -> None:
    """Refuse what is not a notebook of cells with string sources."""
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{name}: not a notebook (no list of cells)")
    for index, cell in enumerate(nb["cells"], start=1):
        where = f"{name}, cell {index}"
        if not isinstance(cell, dict) or cell.get("cell_type") not in _VALID:
            raise NotebookError(f"{where}: not a code, markdown or raw cell")
        source = cell.get("source", "")
        if isinstance(source, list):
            if not all(isinstance(part, str) for part in source):
                raise NotebookError(f"{where}: its source is not text")
        elif not isinstance(source, str):
            raise NotebookError(f"{where}: its source is not text")
        if cell["cell_type"] == "code" and not isinstance(
            cell.get("metadata", {}), dict
        ):
            raise NotebookError(f"{where}: its metadata is not an object")


def generate_notebook(solution: dict, name: str = "notebook") -> dict:
    """The exercise notebook (as a dict) made from a solution notebook (a dict)."""
    _validate(solution, name)
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb["cells"], start=1):
        where = f"{name}, cell {index}"
        source = _source(cell)
        check_markers(cell["cell_type"], source, where)
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
        nb = boundedjson.loads(path.read_bytes(), max_bytes=_MAX_NOTEBOOK)
        stored = nb.get("metadata", {}).get("chainmind", {}).get("fingerprint")
        return stored != _fingerprint(nb.get("cells", []))
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        return True  # unreadable: treat it as the learner's own work


def write_exercises(
    solutions: Path, out: Path, *, force: bool = False, log=print
) -> list[Path]:
    """Write every exercise into ``out`` from ``solutions``; return what was written.

    All notebooks are read and generated first; if any fails, :class:`ExerciseError`
    names each failing notebook and nothing is written.
    """
    fresh: list[tuple[Path, str]] = []
    errors: list[str] = []
    for src in sorted(solutions.glob("*.ipynb")):
        name = f"{solutions.name}/{src.name}"
        try:
            solution = boundedjson.loads(src.read_bytes(), max_bytes=_MAX_NOTEBOOK)
            fresh.append((src, render(generate_notebook(solution, name))))
        except ExerciseError as error:
            errors.append(str(error))
        except (OSError, ValueError, RecursionError) as error:
            errors.append(f"{name}: not valid notebook JSON ({error})")
    if errors:
        raise ExerciseError("; ".join(errors) + "; nothing was written")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for src, text in fresh:
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
    except ExerciseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not written:
        print(f"{args.out}/ is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
