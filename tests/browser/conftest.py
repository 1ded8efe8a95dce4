"""Fixtures for the real-browser test: Debian's Chromium driven by Playwright.

The browser is the system one (``/usr/bin/chromium``, installed by
``tests/browser/install_browser.sh``); Playwright never downloads a browser here.
When no browser can be found or installed, the tests skip with a message saying
why, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from labserver import LabServer  # noqa: E402

HERE = Path(__file__).parent
REPO = HERE.parents[1]
SCREENSHOTS = REPO / "build" / "screenshots"

# Required on a closed network: without the background-networking flags Chromium
# keeps trying to reach Google's hosts. --no-sandbox because tests may run as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives a real Chromium against JupyterLab (tests/browser)"
    )


def _no_browser(reason: str) -> None:
    message = f"no browser for the real-browser test: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI is set, so this is a failure, not a skip)")
    pytest.skip(message)


def _find_chromium() -> str | None:
    candidates = [
        os.environ.get("CHAINMIND_CHROMIUM", ""),
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        shutil.which("chromium") or "",
        shutil.which("chromium-browser") or "",
    ]
    for exe in candidates:
        if exe and os.access(exe, os.X_OK):
            return exe
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the system Chromium, installing it with apt when it is missing."""
    exe = _find_chromium()
    if exe is None and sys.platform.startswith("linux"):
        done = subprocess.run(
            ["bash", str(HERE / "install_browser.sh")],
            capture_output=True,
            text=True,
            timeout=900,
        )
        exe = _find_chromium()
        if exe is None:
            _no_browser(
                "Chromium is not installed and tests/browser/install_browser.sh "
                f"could not install it:\n{done.stdout}{done.stderr}"
            )
    if exe is None:
        _no_browser(
            "Chromium not found; install it, or set CHAINMIND_CHROMIUM to its path"
        )
    return exe


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser(
            "the Python package playwright is missing; "
            "install the browser extra: pip install -e '.[browser]'"
        )
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A throwaway folder the server serves: running cells never touches the repo."""
    root = tmp_path_factory.mktemp("lab-root")
    (root / "lessons").mkdir()
    return root


@pytest.fixture(scope="session")
def lab(lab_root: Path, browser: Any) -> Iterator[LabServer]:
    server = LabServer(lab_root)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def lab_page(browser: Any, lab: LabServer) -> Iterator[Any]:
    """One JupyterLab page for the whole run (loading JupyterLab is the slow part)."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page(lab_page: Any, lab: LabServer) -> Iterator[Any]:
    """The JupyterLab page; each test's kernels are shut down after it."""
    yield lab_page
    from labpage import shutdown_kernels

    shutdown_kernels(lab)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
