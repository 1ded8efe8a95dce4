"""Real-browser test (issue 7): the lessons run in JupyterLab in Chromium.

JupyterLab is started headless on a free loopback port and serves a throwaway
copy of the lessons; Debian's Chromium, driven by Playwright, opens each lesson,
clears its stored outputs, runs all cells, and the test checks that no cell shows
an error (on the page and in the saved notebook), that lesson 08's widget is
rendered and reacts when its slider moves, and saves screenshots to
build/screenshots/ (a reference set is committed in docs/screenshots/).

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
    move_slider,
    open_notebook,
    run_all_cells,
    save_notebook,
    scroll_notebook,
)
from labserver import LabServer

pytestmark = pytest.mark.browser

LESSONS = ["00_welcome", "08_yuma_consensus"]
# Lessons whose "play" section must show a slider that changes a labelled output.
WIDGET_LABELS = {"08_yuma_consensus": "incentive"}


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
    if not source.is_file():
        pytest.skip(f"lessons/{name}.ipynb does not exist yet")
    path = f"lessons/{name}.ipynb"
    shutil.copy(source, lab_root / path)

    open_notebook(page, lab, path)
    run = run_all_cells(page, lab, path)
    page.screenshot(path=screenshots / f"{name}_end.png")
    scroll_notebook(page, "top")
    page.screenshot(path=screenshots / f"{name}.png")

    assert run.errors == [], f"{path}: cells show errors: {run.errors}"
    assert run.not_executed == [], f"{path}: cells not run: {run.not_executed}"
    saved = save_notebook(page, lab_root, path)
    assert _saved_errors(saved) == [], f"{path}: saved with errors"

    label = WIDGET_LABELS.get(name)
    if label is None:
        return
    assert any(c.widgets for c in run.cells), f"{path}: no widget was rendered"
    cell, before, after = move_slider(page, label)
    cell.screenshot(path=screenshots / f"{name}_widget.png")
    assert label in before.lower(), f"{path}: widget output lacks {label!r}: {before}"
    assert label in after.lower(), f"{path}: widget output lacks {label!r}: {after}"
    assert after != before


def test_harness_sees_errors_and_widgets(
    page: Any, lab: LabServer, lab_root: Path
) -> None:
    path = "lessons/selfcheck.ipynb"
    _write_selfcheck(lab_root / path)
    open_notebook(page, lab, path)
    run = run_all_cells(page, lab, path)

    assert [index for index, _ in run.errors] == [3]
    assert "planted error" in run.errors[0][1]
    assert run.not_executed == [4]
    assert "before the planted error" in run.cells[2].outputs
    saved = save_notebook(page, lab_root, path)
    assert _saved_errors(saved) == ["cell 3: ValueError: planted error"]

    # The labelled widget's slider starts at its maximum, so it moves left.
    _, before, after = move_slider(page, "incentive")
    assert (before, after) == ("incentive: 20", "incentive: 18")
