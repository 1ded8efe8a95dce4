"""Drive a notebook in JupyterLab the way a learner does, with Playwright.

Open it, clear its stored outputs, Run > Run All Cells, wait until the kernel has
finished, read what the page shows, move a widget slider, save, take screenshots.
Every wait polls the page for a condition (never a fixed sleep).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labserver import LabServer

__all__ = [
    "CellReport",
    "NotebookRun",
    "open_notebook",
    "run_all_cells",
    "save_notebook",
    "move_slider",
    "change_first_widget",
    "close_notebook",
    "scroll_notebook",
    "shutdown_kernels",
    "RUN_TIMEOUT_MS",
]

RUN_TIMEOUT_MS = 90_000
# The notebook on show (JupyterLab hides the panels of the other tabs).
NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = f'{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status="idle"]'
# An error output, as JupyterLab renders it (it shows errors as stderr text).
ERROR_TEXT = re.compile(
    r"Traceback \(most recent call last\)|^\s*\w*(Error|Exception|Interrupt)\b.*$",
    re.MULTILINE,
)

# Reads every code cell: its prompt ("[3]:", "[*]:", "[ ]:"), whether its source is
# empty, the text of its outputs and the text of its stderr outputs.
_CELLS_JS = """
() => Array.from(document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell')).map(cell => {
  const prompt = cell.querySelector('.jp-InputArea-prompt');
  const editor = cell.querySelector('.jp-InputArea-editor');
  const outs = Array.from(cell.querySelectorAll('.jp-OutputArea-output'));
  return {
    prompt: prompt ? prompt.innerText.trim() : '',
    empty: editor ? editor.innerText.trim() === '' : true,
    outputs: outs.map(o => o.innerText).join('\\n'),
    stderr: outs.filter(o => o.getAttribute('data-mime-type') ===
        'application/vnd.jupyter.stderr').map(o => o.innerText),
    widgets: cell.querySelectorAll('.jupyter-widgets').length,
  };
})
"""


@dataclass
class CellReport:
    """What the page shows for one code cell after a run."""

    index: int
    prompt: str
    empty: bool
    outputs: str
    stderr: list[str]
    widgets: int

    @property
    def executed(self) -> bool:
        return re.fullmatch(r"\[\d+\]:", self.prompt) is not None

    @property
    def errors(self) -> list[str]:
        return [text for text in self.stderr if ERROR_TEXT.search(text)]


@dataclass
class NotebookRun:
    """The state of a notebook after Run All Cells."""

    path: str
    cells: list[CellReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[tuple[int, str]]:
        return [(c.index, e) for c in self.cells for e in c.errors]

    @property
    def not_executed(self) -> list[int]:
        return [c.index for c in self.cells if not c.empty and not c.executed]


def _read_cells(page: Any) -> list[CellReport]:
    return [CellReport(i, **c) for i, c in enumerate(page.evaluate(_CELLS_JS))]


def _menu(page: Any, menu: str, command: str) -> None:
    """Click a top menu (File, Edit, Run...) and then one of its commands."""
    page.locator(".lm-MenuBar-item", has_text=re.compile(f"^{menu}$")).click()
    page.locator(f'.lm-Menu-item[data-command="{command}"]').first.click()


def _kernel_idle(server: LabServer, path: str) -> bool:
    status, sessions = server.get("/api/sessions")
    if status != 200:
        return False
    states = [
        s["kernel"]["execution_state"]
        for s in sessions
        if s.get("path") == path and s.get("kernel")
    ]
    return states == ["idle"]


_POLL_S = 0.2  # the interval between two looks at the page


def _poll(what: str, condition: Any, timeout_s: float) -> None:
    """Wait until ``condition()`` is true: bounded in tries and in time."""
    deadline = time.monotonic() + timeout_s
    for _ in range(int(timeout_s / _POLL_S) + 2):
        if condition():
            return
        if time.monotonic() > deadline:
            break
        time.sleep(_POLL_S)
    raise TimeoutError(f"timed out after {timeout_s:.0f} s waiting for {what}")


def open_notebook(page: Any, server: LabServer, path: str) -> None:
    """Open ``path`` (relative to the server root) and wait for its kernel.

    The first notebook loads JupyterLab at ``/lab/tree/<path>``; later ones open in
    the same JupyterLab through File > Open from Path..., as a learner would.
    """
    if not page.url.startswith(server.url):
        page.goto(
            f"{server.url}/lab/workspaces/chainmind-test/tree/{path}"
            f"?reset&token={server.token}"
        )
    else:
        _menu(page, "File", "filebrowser:open-path")
        dialog = page.locator(".jp-Dialog")
        dialog.locator("input").fill(path)
        dialog.locator("button.jp-mod-accept").click()
        dialog.wait_for(state="detached")
    name = path.rsplit("/", 1)[-1]
    tab = page.locator(".lm-TabBar-tab.jp-mod-current", has_text=name).first
    tab.wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook .jp-Cell", timeout=RUN_TIMEOUT_MS)
    _poll(
        f"the kernel of {path} to start",
        lambda: _kernel_idle(server, path),
        RUN_TIMEOUT_MS / 1000,
    )
    page.wait_for_selector(IDLE, timeout=RUN_TIMEOUT_MS)


def run_all_cells(
    page: Any, server: LabServer, path: str, timeout_s: float = RUN_TIMEOUT_MS / 1000
) -> NotebookRun:
    """Clear the stored outputs, run all cells, wait until the run has finished.

    Finished means: no cell waits or runs ("[*]"), the kernel is idle, and either
    every non-empty code cell has an execution count or a cell shows an error
    (Run All stops at the first error).
    """
    started = time.monotonic()
    _menu(page, "Edit", "editmenu:clear-all")
    _poll(
        "stored outputs to be cleared",
        lambda: not any(c.executed for c in _read_cells(page)),
        30,
    )
    _menu(page, "Run", "runmenu:run-all")

    def finished() -> bool:
        cells = _read_cells(page)
        if any("*" in c.prompt for c in cells):
            return False
        done = all(c.executed or c.empty for c in cells) or any(c.errors for c in cells)
        return done and _kernel_idle(server, path)

    _poll(f"Run All Cells to finish in {path}", finished, timeout_s)
    page.wait_for_selector(IDLE, timeout=RUN_TIMEOUT_MS)
    return NotebookRun(path, _read_cells(page), time.monotonic() - started)


def save_notebook(page: Any, root: Path, path: str) -> dict[str, Any]:
    """File > Save Notebook, wait until saved, return the saved notebook (JSON)."""
    target = root / path
    before = target.stat().st_mtime_ns
    _menu(page, "File", "docmanager:save")
    _poll(
        f"{path} to be saved",
        lambda: (
            target.stat().st_mtime_ns != before
            and page.locator(".lm-TabBar-tab.jp-mod-current.jp-mod-dirty").count() == 0
        ),
        30,
    )
    return json.loads(target.read_text(encoding="utf-8"))


# What a widget area shows, leaving out the controls themselves (a slider's readout
# changes with the slider, so it must not count as the widget "reacting"): its text,
# then a short signature of each image (a plot redrawn by the widget is a new image).
_WIDGET_TEXT_JS = """
(cell) => {
  const area = cell.querySelector('.jp-Cell-outputArea');
  const copy = area.cloneNode(true);
  copy.querySelectorAll('.widget-slider, .widget-readout, .widget-dropdown')
      .forEach(e => e.remove());
  const images = Array.from(copy.querySelectorAll('img')).map(
      i => `[image ${i.src.length}:${i.src.slice(-24)}]`);
  return [copy.innerText.trim(), ...images].join('\\n').trim();
}
"""
# The controls a learner moves: ipywidgets sliders and dropdowns.
CONTROLS = ".jp-Cell-outputArea .widget-slider, .jp-Cell-outputArea .widget-dropdown"
SLIDERS = ".jp-Cell-outputArea .widget-slider"


def _widget_cell(page: Any, controls: str, label: str | None) -> tuple[Any, str]:
    """The first code cell showing one of ``controls`` (and, with ``label``, whose
    output shows ``label``, case-insensitive), once its output is rendered; and
    that output's text."""
    cells = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has=page.locator(controls))
    if label is not None:
        shows_label = re.compile(re.escape(label), re.IGNORECASE)
        cells = cells.filter(
            has=page.locator(".jp-Cell-outputArea", has_text=shows_label)
        )
    cell = cells.first
    cell.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
    _poll(
        "the widget's output to be rendered",
        lambda: cell.evaluate(_WIDGET_TEXT_JS) != "",
        30,
    )
    return cell, cell.evaluate(_WIDGET_TEXT_JS)


def change_first_widget(
    page: Any, label: str | None = None, *, tries: int = 3, wait_s: float = 30
) -> tuple[Any, str, str, str]:
    """Change the first rendered slider or dropdown; wait for its output to change.

    A slider moves one step with the keyboard (right, or left at its maximum), then
    a page, then to its end if the output has not changed yet; a dropdown takes its
    next option. With ``label``, the control is the first one in
    a cell whose output shows ``label`` (case-insensitive). When the output has not
    changed after ``wait_s`` seconds the control moves once more, ``tries`` times in
    all. Returns (the code cell, "slider" or "dropdown", output before, after).
    """
    cell, before = _widget_cell(page, CONTROLS, label)
    control = cell.locator(CONTROLS).first
    kind = (
        "dropdown"
        if "widget-dropdown" in control.get_attribute("class")
        else ("slider")
    )
    control.scroll_into_view_if_needed()
    for attempt in range(tries):
        if kind == "slider":
            # One step, then a page (5 steps), then the far end: one step of a
            # fine slider may not change what the lesson prints.
            knob = control.locator(".noUi-handle").first
            at_max = knob.get_attribute("aria-valuenow") == knob.get_attribute(
                "aria-valuemax"
            )
            keys = (
                ("ArrowLeft", "PageDown", "Home")
                if at_max
                else (
                    "ArrowRight",
                    "PageUp",
                    "End",
                )
            )
            knob.focus()
            page.keyboard.press(keys[min(attempt, 2)])
        else:
            select = control.locator("select")
            count = select.locator("option").count()
            current = select.evaluate("s => s.selectedIndex")
            select.select_option(index=(current + 1) % max(count, 1))
        try:
            _poll(
                f"the widget's output to change after changing its {kind}",
                lambda: cell.evaluate(_WIDGET_TEXT_JS) not in ("", before),
                wait_s if attempt == tries - 1 else min(wait_s, 10),
            )
            break
        except TimeoutError:
            if attempt == tries - 1:
                raise
    return cell, kind, before, cell.evaluate(_WIDGET_TEXT_JS)


def close_notebook(page: Any) -> None:
    """File > Close Tab for the notebook on show (discarding changes if asked)."""
    before = page.locator(".jp-NotebookPanel").count()
    _menu(page, "File", "application:close")
    dialog = page.locator(".jp-Dialog")
    discard = dialog.locator("button", has_text=re.compile("Discard|Don.t Save"))

    def closed() -> bool:
        if discard.count():
            discard.first.click()
        return page.locator(".jp-NotebookPanel").count() < before

    _poll("the notebook's tab to close", closed, 30)


def move_slider(page: Any, label: str | None = None) -> tuple[Any, str, str]:
    """Move the first rendered slider one step with the keyboard; wait for its
    output to change.

    With ``label``, the slider is the first one whose cell output shows ``label``
    (case-insensitive). It moves right, or left when it is at its maximum.
    Returns (the code cell holding the slider, output text before, text after).
    """
    cell, before = _widget_cell(page, SLIDERS, label)
    knob = cell.locator(f"{SLIDERS} .noUi-handle").first
    knob.scroll_into_view_if_needed()
    at_max = knob.get_attribute("aria-valuenow") == knob.get_attribute("aria-valuemax")
    knob.focus()
    page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
    _poll(
        "the widget's output to change after moving the slider",
        lambda: cell.evaluate(_WIDGET_TEXT_JS) not in ("", before),
        30,
    )
    return cell, before, cell.evaluate(_WIDGET_TEXT_JS)


def scroll_notebook(page: Any, to: str) -> None:
    """Scroll the open notebook to its "top" or "bottom"."""
    page.evaluate(
        """(to) => {
          const panel = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer');
          panel.scrollTop = to === 'top' ? 0 : panel.scrollHeight;
        }""",
        to,
    )


def shutdown_kernels(server: LabServer) -> None:
    """Delete every session (and so its kernel) on the server."""
    status, sessions = server.get("/api/sessions")
    if status == 200:
        for session in sessions:
            server.request("DELETE", f"/api/sessions/{session['id']}")
