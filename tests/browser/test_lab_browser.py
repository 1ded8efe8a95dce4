"""Real-browser test (issues 7 and 13): every lesson runs in JupyterLab in Chromium.

JupyterLab is started headless on a free loopback port and serves a throwaway
copy of the lessons; Debian's Chromium, driven by Playwright, opens every lesson
(``lessons/NN_*.ipynb``, so a new lesson joins by itself) in the same JupyterLab
session, clears its stored outputs, runs all cells, and the test checks that no
cell shows an error (on the page and in the saved notebook), that the lesson's
first slider or dropdown is rendered and that its output changes when the control
moves; it saves screenshots to build/screenshots/ (a reference set is committed in
docs/screenshots/). Each lesson's tab is closed after its test, so the page stays
small; the run time of each lesson is printed (``-s``) and kept in
build/screenshots/lab_times.txt.

A last test runs a small notebook with a planted error and two sliders, to show
that these checks do catch an error and do see the right widget react.

Run: ``make test-browser`` (installs Chromium with apt when missing), or
``pytest -m browser tests/browser``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import REPO
from labpage import (
    change_first_widget,
    close_notebook,
    move_slider,
    open_notebook,
    run_all_cells,
    save_notebook,
    scroll_notebook,
)
from labserver import LabServer

pytestmark = pytest.mark.browser

LESSONS = sorted(p.stem for p in (REPO / "lessons").glob("[0-9][0-9]_*.ipynb"))
# Lessons whose widget must change an output that shows this label.
WIDGET_LABELS = {"08_yuma_consensus": "incentive"}
# Training lessons take up to 90 s alone; the browser and the server share 2 cores.
RUN_TIMEOUT_S = 240


@pytest.fixture(scope="module", autouse=True)
def _fresh_times(screenshots: Path) -> None:
    (screenshots / "lab_times.txt").unlink(missing_ok=True)


def _saved_errors(notebook: dict[str, Any]) -> list[str]:
    return [
        f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
        for i, cell in enumerate(notebook["cells"])
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def _write_selfcheck(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import ipywidgets as widgets\n\n"
            "widgets.interact(lambda x: print('other:', x), x=(0, 5));"
        ),
        nbformat.v4.new_code_cell(
            "def show(stake=10):\n"
            "    print('incentive:', stake * 2)\n\n"
            "widgets.interact(show, stake=widgets.IntSlider(10, 0, 10));"
        ),
        nbformat.v4.new_code_cell(
            "widgets.interact(lambda colour: print('colour:', colour),\n"
            "                 colour=['red', 'green']);"
        ),
        nbformat.v4.new_code_cell("print('before the planted error')"),
        nbformat.v4.new_code_cell("raise ValueError('planted error')"),
        nbformat.v4.new_code_cell("print('never runs: Run All stops at an error')"),
    ]
    nbformat.write(nb, path)


@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_in_lab(
    name: str, page: Any, lab: LabServer, lab_root: Path, screenshots: Path
) -> None:
    source = REPO / "lessons" / f"{name}.ipynb"
    path = f"lessons/{name}.ipynb"
    shutil.copy(source, lab_root / path)

    open_notebook(page, lab, path)
    try:
        _run_and_check(name, path, page, lab, lab_root, screenshots)
    finally:
        close_notebook(page)


def _run_and_check(
    name: str, path: str, page: Any, lab: LabServer, lab_root: Path, shots: Path
) -> None:
    run = run_all_cells(page, lab, path, timeout_s=RUN_TIMEOUT_S)
    print(f"\n{path}: Run All took {run.seconds:.1f} s")
    with open(shots / "lab_times.txt", "a", encoding="utf-8") as times:
        times.write(f"{name}\t{run.seconds:.1f}\n")
    page.screenshot(path=shots / f"{name}_end.png")
    scroll_notebook(page, "top")
    page.screenshot(path=shots / f"{name}.png")

    assert run.errors == [], f"{path}: cells show errors: {run.errors}"
    assert run.not_executed == [], f"{path}: cells not run: {run.not_executed}"
    saved = save_notebook(page, lab_root, path)
    assert _saved_errors(saved) == [], f"{path}: saved with errors"

    assert any(c.widgets for c in run.cells), f"{path}: no widget was rendered"
    label = WIDGET_LABELS.get(name)
    cell, kind, before, after = change_first_widget(page, label)
    cell.screenshot(path=shots / f"{name}_widget.png")
    assert after != before, f"{path}: the {kind}'s output did not change"
    if label is not None:
        assert label in before.lower(), f"{path}: output lacks {label!r}: {before}"
        assert label in after.lower(), f"{path}: output lacks {label!r}: {after}"


def test_harness_sees_errors_and_widgets(
    page: Any, lab: LabServer, lab_root: Path
) -> None:
    path = "lessons/selfcheck.ipynb"
    _write_selfcheck(lab_root / path)
    open_notebook(page, lab, path)
    run = run_all_cells(page, lab, path)

    assert [index for index, _ in run.errors] == [4]
    assert "planted error" in run.errors[0][1]
    assert run.not_executed == [5]
    assert "before the planted error" in run.cells[3].outputs
    saved = save_notebook(page, lab_root, path)
    assert _saved_errors(saved) == ["cell 4: ValueError: planted error"]

    # The labelled widget's slider starts at its maximum, so it moves left.
    _, before, after = move_slider(page, "incentive")
    assert (before, after) == ("incentive: 20", "incentive: 18")
    # Unlabelled, the first control of the notebook is the one that moves.
    _, kind, before, after = change_first_widget(page)
    assert (kind, before, after) == ("slider", "other: 2", "other: 3")
    _, kind, before, after = change_first_widget(page, "colour")
    assert (kind, before, after) == ("dropdown", "colour: red", "colour: green")
    close_notebook(page)
    assert page.locator(".jp-NotebookPanel").count() == 0
