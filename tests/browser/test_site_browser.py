"""The course website in a real browser, offline (issue 13).

The site is built from scratch into a temporary folder and served on a loopback port.
Chromium (Playwright) opens it with every request to any other host refused by
``page.route``; the test fails if a page even tries one. It checks the home page, a
lesson with images, a lesson whose widget is drawn from its saved state, search, the
light/dark toggle and math, and saves screenshots to build/screenshots/site_*.png
(a reference set is committed in docs/screenshots/).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import REPO

pytestmark = pytest.mark.browser

IMAGE_LESSON = "10_generative_art"
WIDGET_LESSON = "08_yuma_consensus"


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location(
        "build_site", REPO / "site" / "build_site.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep the test output readable
        pass


@pytest.fixture(scope="module")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("myst_nb", reason="the site extra is not installed")
    out = tmp_path_factory.mktemp("site") / "site"
    _builder().build(out, fresh=True)
    handler = functools.partial(_Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def offline(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A browser context that refuses (and records) every non-loopback request."""
    refused: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)

    def route(request_route: Any) -> None:
        url = request_route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in (
            "127.0.0.1",
            "localhost",
        ):
            request_route.continue_()
        else:
            refused.append(url)
            request_route.abort("blockedbyclient")

    context.route("**/*", route)
    yield context, refused
    context.close()


@pytest.fixture
def page(offline: tuple[Any, list[str]]) -> Iterator[Any]:
    context, refused = offline
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    page.close()
    assert refused == [], f"the site tried to reach the network: {refused}"
    assert errors == [], f"JavaScript errors on the page: {errors}"


def test_home_page(page: Any, site_url: str, screenshots: Path) -> None:
    page.goto(f"{site_url}/index.html")
    assert "ChainMind" in page.title()
    assert page.locator("h2", has_text="Syllabus").count() == 1
    course_map = page.locator("img[src*='course_map']")
    assert course_map.evaluate("img => img.complete && img.naturalWidth > 0")
    syllabus = page.locator("table", has_text="Yuma Consensus").first
    assert syllabus.locator("a[href^='lessons/']").count() >= 15
    page.screenshot(path=screenshots / "site_home.png")
    page.locator("a.right-next").click()
    page.wait_for_url("**/lessons/00_welcome.html")
    assert page.locator(".run-it-yourself").count() == 1


def test_lesson_with_images(page: Any, site_url: str, screenshots: Path) -> None:
    page.goto(f"{site_url}/lessons/{IMAGE_LESSON}.html")
    images = page.locator(".cell_output img")
    assert images.count() >= 3
    for i in range(images.count()):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0"), i
    box = page.locator(".run-it-yourself")
    assert "make lab" in box.inner_text() and "make test" in box.inner_text()
    images.first.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "site_lesson_images.png")


def test_lesson_with_a_widget_from_saved_state(
    page: Any, site_url: str, screenshots: Path
) -> None:
    page.goto(f"{site_url}/lessons/{WIDGET_LESSON}.html")
    slider = page.locator(".widget-slider").first
    slider.wait_for(state="visible")
    # The saved Output widget shows the text the lesson printed when it was run.
    widget = page.locator(".jupyter-widgets.widget-container, .widget-vbox").first
    assert "incentive" in widget.inner_text().lower()
    note = page.locator(".admonition.note", has_text="in JupyterLab").first
    assert note.count() == 1
    slider.scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "site_lesson_widget.png")
    # Math is typeset by the vendored MathJax.
    page.locator("mjx-container").first.wait_for(state="attached")


def test_search(page: Any, site_url: str, screenshots: Path) -> None:
    page.goto(f"{site_url}/search.html?q=merkle")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for()
    links = [a.get_attribute("href") for a in results.locator("a").all()]
    assert any("03_transactions_and_merkle_trees" in (h or "") for h in links)
    page.screenshot(path=screenshots / "site_search.png")


def test_dark_toggle(page: Any, site_url: str, screenshots: Path) -> None:
    page.goto(f"{site_url}/lessons/{IMAGE_LESSON}.html")
    html = page.locator("html")

    def background() -> str:
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    page.locator(".theme-switch-button").first.click()
    page.locator(".theme-change-button[data-mode='light']").first.click()
    assert html.get_attribute("data-theme") == "light"
    light = background()
    page.locator(".theme-switch-button").first.click()
    page.locator(".theme-change-button[data-mode='dark']").first.click()
    assert html.get_attribute("data-theme") == "dark"
    page.wait_for_function(
        f"getComputedStyle(document.body).backgroundColor != '{light}'"
    )
    assert background() != light
    page.keyboard.press("Escape")  # close the menu for the picture
    page.screenshot(path=screenshots / "site_dark.png")
    # The choice is kept for the next page.
    page.goto(f"{site_url}/index.html")
    assert html.get_attribute("data-theme") == "dark"
