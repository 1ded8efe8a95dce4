"""Build the course website (issue 13): ``make site`` -> ``build/site/index.html``.

Sphinx + myst-nb + sphinx-book-theme render the committed notebooks and their outputs
(nothing is executed). This script stages the sources into ``build/site-src/`` so the
repository stays as it is:

* the home page is the README's introduction and syllabus (up to its API section);
* every ``lessons/NN_*.ipynb`` (glob, so a new lesson joins by itself), with a
  "run it yourself" box and a note under each widget;
* every ``exercises/NN_*.ipynb`` with its outputs removed;
* every ``docs/api_*.md``, headings shifted so each page starts at a title.

Then ``sphinx-build -W`` (warnings are errors) writes ``build/site/``.

Run: ``python site/build_site.py [--out DIR] [--fresh]``.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

__all__ = [
    "REPO",
    "build",
    "home_page",
    "stage",
    "stage_api_page",
    "stage_exercise",
    "stage_lesson",
]

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
# The README's sections from this heading on are not part of the home page (the API
# reference has pages of its own).
HOME_ENDS_AT = re.compile(r"^## The reference package", re.MULTILINE)
LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(`{3,}|~{3,})")


def _md_cell(text: str, cell_id: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def run_box(path: str) -> str:
    """The "run it yourself" box shown at the top of every lesson and exercise page."""
    return (
        "````{admonition} Run it yourself\n"
        ":class: tip run-it-yourself\n\n"
        "This page shows the notebook as committed. To run it and change it, from the "
        "course folder:\n\n"
        "```bash\n"
        "make lab     # set up (first time only) and open JupyterLab\n"
        "make test    # set up (first time only) and run every test\n"
        "```\n\n"
        f"then open `{path}` in JupyterLab.\n"
        "````\n"
    )


def _widget_note(saved: bool) -> str:
    if saved:
        text = (
            "The control above is drawn from the state saved with the notebook, so "
            "moving it here changes nothing: in JupyterLab (`make lab`) it is live."
        )
    else:
        text = (
            "This cell shows an interactive widget that runs in JupyterLab "
            "(`make lab`); no saved state of it was stored with the notebook."
        )
    return f"```{{note}}\n{text}\n```\n"


def _widget_models(nb: dict[str, Any]) -> set[str]:
    state = nb.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {})
    return set(state.get("state", {}))


def _title_index(cells: list[dict[str, Any]]) -> int:
    """Index of the first markdown cell (the lesson's title): the box goes after it."""
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            return i
    return -1


def stage_lesson(nb: dict[str, Any], path: str) -> dict[str, Any]:
    """A lesson as the site shows it: its outputs, a run box, a note per widget."""
    nb = copy.deepcopy(nb)
    models = _widget_models(nb)
    cells: list[dict[str, Any]] = []
    for cell in nb["cells"]:
        cells.append(cell)
        views = [
            out for out in cell.get("outputs", []) if WIDGET_VIEW in out.get("data", {})
        ]
        if not views:
            continue
        saved = all(out["data"][WIDGET_VIEW].get("model_id") in models for out in views)
        if not saved:  # no state to draw it from: show the note instead of a blank
            for out in views:
                del out["data"][WIDGET_VIEW]
        cells.append(_md_cell(_widget_note(saved), f"site-widget-note-{len(cells)}"))
    at = _title_index(cells) + 1
    cells.insert(at, _md_cell(run_box(path), "site-run-box"))
    nb["cells"] = cells
    return nb


def stage_exercise(nb: dict[str, Any], path: str) -> dict[str, Any]:
    """An exercise without outputs (the learner's to fill in), with a run box."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    nb.get("metadata", {}).pop("widgets", None)
    at = _title_index(nb["cells"]) + 1
    nb["cells"].insert(at, _md_cell(run_box(path), "site-run-box"))
    return nb


def _headings(text: str) -> list[tuple[int, int]]:
    """(line index, level) of each Markdown heading outside code fences."""
    found, fence = [], ""
    for i, line in enumerate(text.splitlines()):
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if not fence:
                fence = marker
            elif marker.startswith(fence[0]) and len(marker) >= len(fence):
                fence = ""
            continue
        if not fence:
            heading = re.match(r"^(#{1,6})\s", line)
            if heading:
                found.append((i, len(heading.group(1))))
    return found


def stage_api_page(text: str) -> str:
    """Shift headings so the page's first heading is its title (level 1)."""
    heads = _headings(text)
    if not heads:
        return text
    shift = heads[0][1] - 1
    lines = text.splitlines()
    for i, level in heads:
        new = max(1, level - shift)
        lines[i] = "#" * new + lines[i][level:]
    return "\n".join(lines) + "\n"


def home_page(readme: str, staged: set[str], api_pages: list[str]) -> str:
    """The README's introduction and syllabus, with the site's tables of contents.

    Links to files the site does not hold become plain text (the site stays whole).
    """
    end = HOME_ENDS_AT.search(readme)
    body = readme[: end.start()] if end else readme

    def relink(match: re.Match[str]) -> str:
        bang, text, target = match.groups()
        if bang or "://" in target or target.startswith(("#", "mailto:")):
            return match.group(0)
        if target.split("#", 1)[0] in staged:
            return match.group(0)
        return text

    body = LINK.sub(relink, body).rstrip() + "\n"
    api_list = "\n".join(f"- [{Path(p).stem}]({p})" for p in api_pages)
    tocs = (
        "\n## API reference\n\n"
        "The reference package's pages, one per package:\n\n"
        f"{api_list}\n\n"
        "```{toctree}\n:hidden:\n:caption: Lessons\n:glob:\n\nlessons/*\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: Exercises\n:glob:\n\nexercises/*\n```\n\n"
        "```{toctree}\n:hidden:\n:caption: API reference\n:glob:\n\ndocs/api_*\n```\n"
    )
    return body + tocs


def _write(path: Path, data: str | bytes, written: set[Path]) -> None:
    """Write only when the content changed (Sphinx then rebuilds only what changed)."""
    written.add(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if path.is_file() and path.read_bytes() == raw:
        return
    path.write_bytes(raw)


def _notebook_text(nb: dict[str, Any]) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def stage(src: Path, repo: Path = REPO) -> list[Path]:
    """Lay the site's sources (from ``repo``) out in ``src``; return its files."""
    written: set[Path] = set()
    for path in sorted(SITE.rglob("*")):
        rel = path.relative_to(SITE)
        if (
            path.is_file()
            and path.name != "build_site.py"
            and "__pycache__" not in str(rel)
        ):
            _write(src / rel, path.read_bytes(), written)

    staged: set[str] = set()
    for folder, make in (("lessons", stage_lesson), ("exercises", stage_exercise)):
        for nb_path in sorted((repo / folder).glob("[0-9][0-9]_*.ipynb")):
            if nb_path.name.endswith(".new.ipynb"):
                continue
            rel = f"{folder}/{nb_path.name}"
            nb = json.loads(nb_path.read_text(encoding="utf-8"))
            _write(src / rel, _notebook_text(make(nb, rel)), written)
            staged.add(rel)

    api_pages = []
    for md in sorted((repo / "docs").glob("api_*.md")):
        rel = f"docs/{md.name}"
        _write(src / rel, stage_api_page(md.read_text(encoding="utf-8")), written)
        staged.add(rel)
        api_pages.append(rel)

    readme = (repo / "README.md").read_text(encoding="utf-8")
    for bang, _text, target in LINK.findall(readme):
        image = repo / target
        if bang and "://" not in target and image.is_file():
            _write(src / target, image.read_bytes(), written)
    _write(src / "index.md", home_page(readme, staged, api_pages), written)

    for path in sorted(src.rglob("*"), reverse=True):  # drop what is no longer staged
        if path.is_file() and path not in written:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return sorted(written)


def build(
    out: Path, *, repo: Path = REPO, fresh: bool = False, jobs: str = "auto"
) -> float:
    """Stage and build the site into ``out``; return the seconds it took.

    Raises ``subprocess.CalledProcessError`` when Sphinx fails (any warning fails).
    """
    started = time.monotonic()
    out = out.resolve()
    src = out.parent / f"{out.name}-src"
    doctrees = out.parent / f"{out.name}-doctrees"
    if fresh:
        for folder in (src, doctrees, out):
            shutil.rmtree(folder, ignore_errors=True)
    stage(src, repo)
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-W",
        "--keep-going",
        "-q",
        "-j",
        jobs,
        "-b",
        "html",
        "-d",
        str(doctrees),
        str(src),
        str(out),
    ]
    subprocess.run(command, check=True, cwd=REPO)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "site")
    parser.add_argument("--fresh", action="store_true", help="rebuild from scratch")
    parser.add_argument("--jobs", default="auto", help="sphinx-build -j (default auto)")
    args = parser.parse_args(argv)
    try:
        seconds = build(args.out, fresh=args.fresh, jobs=args.jobs)
    except subprocess.CalledProcessError as exc:
        print(
            f"make site: sphinx-build failed (exit {exc.returncode})", file=sys.stderr
        )
        return 1
    print(f"make site: {args.out / 'index.html'} built in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
