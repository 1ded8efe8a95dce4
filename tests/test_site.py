"""The course website (issue 13): ``make site`` builds with warnings as errors, holds
every lesson in order with previous/next links, the exercises without outputs and the
API reference, loads nothing from outside, and every internal link and anchor resolves.

The site is built once, from scratch, into a temporary folder (about 15 s). The link
check is plain Python over the HTML (``html.parser``) and is itself tested on a small
site with a broken link and a broken anchor.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
EXERCISES = sorted(p.stem for p in (REPO / "exercises").glob("[0-9][0-9]_*.ipynb"))
API_PAGES = sorted(p.stem for p in (REPO / "docs").glob("api_*.md"))

pytest.importorskip("myst_nb", reason="the site extra is not installed")


def _load_builder():
    spec = importlib.util.spec_from_file_location(
        "build_site", REPO / "site" / "build_site.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_site"] = module
    spec.loader.exec_module(module)
    return module


build_site = _load_builder()


# -- the link check -----------------------------------------------------------------
class _Page(HTMLParser):
    """Collects a page's anchors (id/name) and the URLs it links to or loads."""

    LINKING = {"a": "href", "link": "href", "script": "src", "img": "src"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.anchors.add(values[key])
        attr = self.LINKING.get(tag)
        if tag in ("source", "iframe", "video", "audio"):
            attr = "src"
        url = values.get(attr or "")
        if url:
            self.links.append((tag, url))


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def check_links(root: Path) -> tuple[list[str], list[str]]:
    """Every internal link and anchor under ``root``: (broken ones, external loads).

    A link is internal when it has no scheme and no host. Its file must exist (a
    folder means its index.html) and its #fragment must be an id (or an <a name>)
    in that file. External *loads* (scripts, styles, images, frames) are listed
    apart: an offline site must have none. External <a> links are allowed.
    """
    pages = {
        p: _parse(p)
        for p in sorted(root.rglob("*.html"))
        if p.relative_to(root).parts[0] != "_static"  # the theme's Jinja macros
    }
    broken, external = [], []
    for path, page in pages.items():
        rel = path.relative_to(root)
        for tag, url in page.links:
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "javascript", "data"):
                continue
            if parts.scheme or parts.netloc:
                if tag != "a":
                    external.append(f"{rel}: <{tag}> loads {url}")
                continue
            target = path if not parts.path else path.parent / unquote(parts.path)
            target = target.resolve()
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{rel}: {url} (no such file)")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                anchors = (pages.get(target) or _parse(target)).anchors
                if fragment not in anchors:
                    broken.append(f"{rel}: {url} (no anchor #{fragment})")
    return broken, external


def test_link_check_finds_broken_links_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a id="top" href="sub/a.html#here">ok</a> <a href="sub/a.html#gone">x</a>'
        ' <a href="missing.html">y</a> <a href="#top">self</a>'
        ' <a href="https://example.org/">out</a>'
        ' <script src="https://cdn.example/x.js"></script>',
        encoding="utf-8",
    )
    (tmp_path / "sub" / "a.html").write_text(
        '<h1 id="here">A</h1><a href="../index.html#top">back</a> <img src="pic.png">',
        encoding="utf-8",
    )
    broken, external = check_links(tmp_path)
    assert broken == [
        "index.html: sub/a.html#gone (no anchor #gone)",
        "index.html: missing.html (no such file)",
        "sub/a.html: pic.png (no such file)",
    ]
    assert external == ["index.html: <script> loads https://cdn.example/x.js"]


# -- the built site -----------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    build_site.build(out, fresh=True, jobs="1")
    return out


def test_build_with_warnings_as_errors_fails_on_a_warning(tmp_path: Path) -> None:
    """The build really runs with -W: one broken cross-reference fails it."""
    repo = tmp_path / "repo"
    for folder in ("lessons", "exercises", "docs"):
        (repo / folder).mkdir(parents=True)
    (repo / "README.md").write_text("# Tiny\n\nA course.\n", encoding="utf-8")
    for folder in ("lessons", "exercises"):
        nb = {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3"},
                "language_info": {"name": "python"},
            },
            "cells": [
                {"cell_type": "markdown", "id": "t", "metadata": {}, "source": "# 00"},
                {
                    "cell_type": "code",
                    "id": "c",
                    "metadata": {},
                    "source": "print(1)",
                    "outputs": [],
                    "execution_count": None,
                },
            ],
        }
        (repo / folder / "00_tiny.ipynb").write_text(json.dumps(nb), "utf-8")
    (repo / "docs" / "api_tiny.md").write_text(
        "### `tiny`\n\nSee {ref}`no-such-label`.\n", encoding="utf-8"
    )
    with pytest.raises(subprocess.CalledProcessError):
        build_site.build(tmp_path / "out", repo=repo, fresh=True, jobs="1")
    (repo / "docs" / "api_tiny.md").write_text("### `tiny`\n\nFine.\n")
    build_site.build(tmp_path / "out", repo=repo, fresh=True, jobs="1")
    assert (tmp_path / "out" / "docs" / "api_tiny.html").is_file()


def test_every_internal_link_resolves_and_nothing_loads_from_outside(
    site: Path,
) -> None:
    broken, external = check_links(site)
    assert broken == []
    assert external == []
    # Nor does any stylesheet pull a font or an import from the web.
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        remote = r"url\(\s*['\"]?https?://|@import\s+['\"]?https?:"
        assert not re.search(remote, text), css


def test_home_page_is_the_readme_with_the_syllabus(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "ChainMind" in home
    assert "Syllabus" in home
    assert "course_map.png" in home
    for name in LESSONS:
        assert f'href="lessons/{name}.html"' in home, name
    for name in API_PAGES:
        assert f'href="docs/{name}.html"' in home, name


def _prev_next(page: Path) -> tuple[str | None, str | None]:
    html = page.read_text(encoding="utf-8")
    prev = re.search(r'<a class="left-prev"\s+href="([^"]+)"', html)
    nxt = re.search(r'<a class="right-next"\s+href="([^"]+)"', html)
    return (prev.group(1) if prev else None, nxt.group(1) if nxt else None)


def test_lessons_in_order_with_previous_and_next(site: Path) -> None:
    assert len(LESSONS) >= 15
    for i, name in enumerate(LESSONS):
        page = site / "lessons" / f"{name}.html"
        prev, nxt = _prev_next(page)
        assert prev == ("../index.html" if i == 0 else f"{LESSONS[i - 1]}.html"), name
        if i + 1 < len(LESSONS):
            assert nxt == f"{LESSONS[i + 1]}.html", name


def test_every_lesson_has_the_run_it_yourself_box(site: Path) -> None:
    for folder, names in (("lessons", LESSONS), ("exercises", EXERCISES)):
        for name in names:
            html = (site / folder / f"{name}.html").read_text(encoding="utf-8")
            box = html.split("run-it-yourself", 1)
            assert len(box) == 2, f"{folder}/{name}: no run box"
            text = re.sub(r"<[^>]+>", "", box[1][:4000])
            assert "make lab" in text and "make test" in text, f"{folder}/{name}"
            assert f"{folder}/{name}.ipynb" in text


def test_exercises_are_shown_without_outputs(site: Path) -> None:
    for name in EXERCISES:
        html = (site / "exercises" / f"{name}.html").read_text(encoding="utf-8")
        assert "YOUR CODE HERE" in html, name
        assert "cell_output" not in html, f"exercises/{name} shows outputs"


def test_images_and_saved_widgets_are_in_the_pages(site: Path) -> None:
    for name in LESSONS:
        nb = json.loads((REPO / "lessons" / f"{name}.ipynb").read_text("utf-8"))
        html = (site / "lessons" / f"{name}.html").read_text(encoding="utf-8")
        pngs = sum(
            "image/png" in out.get("data", {})
            for cell in nb["cells"]
            for out in cell.get("outputs", [])
        )
        assert html.count("<img") >= pngs, name
        views = sum(
            "application/vnd.jupyter.widget-view+json" in out.get("data", {})
            for cell in nb["cells"]
            for out in cell.get("outputs", [])
        )
        if views:
            assert "application/vnd.jupyter.widget-state+json" in html, name
            assert "_static/vendor/widgets/embed.js" in html, name
            assert "in JupyterLab (<code" in html, f"{name}: no widget note"
    for name in API_PAGES:
        assert (site / "docs" / f"{name}.html").is_file()
    assert (site / "search.html").is_file() and (site / "searchindex.js").is_file()


def test_a_widget_without_saved_state_gets_the_note_instead() -> None:
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = {
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# 99 · T"},
            {
                "cell_type": "code",
                "metadata": {},
                "source": "w",
                "outputs": [
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "text/plain": "IntSlider()",
                            "application/vnd.jupyter.widget-view+json": view,
                        },
                    }
                ],
            },
        ],
    }
    staged = build_site.stage_lesson(nb, "lessons/99_t.ipynb")
    kinds = [c["cell_type"] for c in staged["cells"]]
    assert kinds == ["markdown", "markdown", "code", "markdown"]
    assert "Run it yourself" in staged["cells"][1]["source"]
    assert "runs in JupyterLab" in staged["cells"][3]["source"]
    assert list(staged["cells"][2]["outputs"][0]["data"]) == ["text/plain"]
    assert "application/vnd" in json.dumps(nb), "the input notebook was changed"


def test_api_pages_start_at_a_title() -> None:
    text = "### `x`: title\n\n```python\n# not a heading\n```\n\n#### part\n"
    assert build_site.stage_api_page(text) == (
        "# `x`: title\n\n```python\n# not a heading\n```\n\n## part\n"
    )


def test_home_page_keeps_links_it_can_serve() -> None:
    readme = (
        "# T\n\n[a](lessons/00_a.ipynb) [b](CONTRIBUTING.md) [c](https://x.org)\n"
        "![m](docs/m.png)\n\n## The reference package: public API\n\nleft out\n"
    )
    home = build_site.home_page(readme, {"lessons/00_a.ipynb"}, ["docs/api_x.md"])
    assert "[a](lessons/00_a.ipynb)" in home and "[c](https://x.org)" in home
    assert "[b]" not in home and " b " in home
    assert "![m](docs/m.png)" in home
    assert "left out" not in home
    assert "lessons/*" in home and "- [api_x](docs/api_x.md)" in home


def test_make_site_target_exists() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^site:", makefile, re.MULTILINE)
    assert "build_site.py" in makefile
