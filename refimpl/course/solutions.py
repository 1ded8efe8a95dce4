"""Worked solutions for ``solution()``, read from ``solutions/NN_*.ipynb``.

Introduced in lesson 00. The solutions notebooks are the single source of every worked
answer: ``solution()`` never prints a second, typed copy. For the check ``lNN.name``
(``"NN.k name"``) the source is the code cell of ``solutions/NN_*.ipynb`` that holds a
``### BEGIN SOLUTION`` region and calls ``lNN.name.check(``; failing that, the cell
whose answer region defines ``def name(`` or assigns ``name =``. No cell metadata is
used, so cells may move. The text shown is that cell without its markers and without
the ``check(...)`` call.

The solutions folder is found beside the package, at the root of the course's working
copy (``solutions/`` next to ``exercises/``), or at ``$CHAINMIND_SOLUTIONS``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

__all__ = ["SolutionNotFound", "find_solution", "solution_for", "solutions_dir"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_ROOT = Path(__file__).resolve().parents[2]
_CHECK_CALL = re.compile(r"^\s*l\d\d\.\w+\.check\(.*\)\s*$")
_CACHE: dict[Path, tuple[float, list[tuple[int, str]]]] = {}
_MAX_BYTES = 64 << 20  # solutions notebooks are well under this


class SolutionNotFound(LookupError):
    """No solutions notebook holds this check's answer."""


def solutions_dir() -> Path | None:
    """The course's ``solutions/`` folder, or None if this copy has none."""
    override = os.environ.get("CHAINMIND_SOLUTIONS", "")
    folder = Path(override) if override else _ROOT / "solutions"
    return folder if folder.is_dir() else None


def _code_cells(path: Path) -> list[tuple[int, str]]:
    """A notebook's code cells: (cell number counting all cells, source); cached."""
    from refimpl import boundedjson

    mtime = path.stat().st_mtime
    cached = _CACHE.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    nb = boundedjson.loads(path.read_bytes(), max_bytes=_MAX_BYTES, max_depth=32)
    cells = []
    raw = nb.get("cells", []) if isinstance(nb, dict) else []
    for number, cell in enumerate(raw if isinstance(raw, list) else [], start=1):
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
            cells.append((number, text))
    _CACHE[path] = (mtime, cells)
    return cells


def _regions(source: str) -> str:
    """The text inside a cell's solution regions."""
    inside, lines = False, []
    for line in source.split("\n"):
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def _clean(source: str) -> str:
    """The cell as a worked answer: no markers, no check call, tidy blank lines."""
    lines = [
        line
        for line in source.split("\n")
        if line.strip() not in (BEGIN, END) and not _CHECK_CALL.match(line)
    ]
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _handle(check: Any) -> tuple[str, str]:
    """``("01", "pad")`` for the check ``l01.pad`` named ``"01.2 pad"``."""
    handle = check._handle() if hasattr(check, "_handle") else ""
    match = re.fullmatch(r"l(\d\d)\.(\w+)", handle)
    if match:
        return match.group(1), match.group(2)
    name = str(getattr(check, "name", ""))
    match = re.match(r"(\d\d)\.\S*\s+(\w+)", name)
    if match:
        return match.group(1), match.group(2)
    return "", name.split()[-1] if name.split() else ""


def find_solution(check: Any, folder: Path | None = None) -> tuple[str, Path, int]:
    """``(text, notebook, cell number)`` of a check's worked answer.

    Raises :class:`SolutionNotFound` when no solutions notebook holds it.
    """
    folder = solutions_dir() if folder is None else folder
    if folder is None:
        raise SolutionNotFound("no solutions/ folder")
    lesson, attr = _handle(check)
    func = getattr(check, "func_name", None) or attr
    if not lesson or not attr:
        raise SolutionNotFound(f"{check!r} belongs to no lesson")
    call = re.compile(rf"\bl{lesson}\.{re.escape(attr)}\.check\(")
    define = re.compile(
        rf"^\s*(def\s+{re.escape(func)}\s*\(|{re.escape(attr)}\s*(:[^=]*)?=(?!=))",
        re.MULTILINE,
    )
    for path in sorted(folder.glob(f"{lesson}_*.ipynb")):
        cells = _code_cells(path)
        answered = [(number, c) for number, c in cells if BEGIN in c]
        for number, source in answered:
            if call.search(source):
                return _clean(source), path, number
        for number, source in answered:
            if define.search(_regions(source)) or define.search(source):
                return _clean(source), path, number
    raise SolutionNotFound(f"no cell of {folder}/{lesson}_*.ipynb answers {attr}")


def solution_for(check: Any) -> tuple[str, str]:
    """The worked answer to print and where it comes from; always succeeds."""
    folder = solutions_dir()
    try:
        text, path, number = find_solution(check, folder)
        return text, f"from solutions/{path.name}, cell {number}"
    except (SolutionNotFound, OSError, ValueError) as error:
        typed = getattr(check, "_solution", "")
        if typed:
            return typed, "from the check itself"
        if folder is None:
            return (
                "The worked solutions are the notebooks in the course's solutions/ "
                "folder, which this copy does not have (looked in "
                f"{_ROOT / 'solutions'}). Open them in a full copy of the course.",
                "not found",
            )
        return f"No worked solution was found: {error}.", "not found"
