"""Real-browser test of lesson 15's dashboard: the node's page in Chromium.

A node process on 127.0.0.1 mines every 0.3 s; we register a neuron and send one bad
transaction, then check that the page shows the metagraph, recent blocks and the
rejected request, and that it refreshes by itself (the height moves without a reload).
Run: ``pytest -m browser tests/browser/test_dashboard_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from refimpl.net import params as netparams
from refimpl.net.client import NodeClient, NodeRefused
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.procs import Network, free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def node(tmp_path: Path) -> Iterator[str]:
    net = Network(tmp_path / "logs")
    try:
        _, url = net.node(
            "node", free_port(), tmp_path / "node", tempo=5, block_interval=0.3
        )
        yield url
    finally:
        net.stop()
    assert all(not p.alive() for p in net.procs)


def test_dashboard_shows_metagraph_blocks_and_rejections(
    browser: Any, node: str, screenshots: Path
) -> None:
    client = NodeClient(node)
    subnet = netparams.extensions()[0]
    hot, cold = hotkey("miner", 77), coldkey("miner", 77)
    client.submit(
        subnet.register_tx(cold, hot.public_key.address, nonce=0, chain_id=15)
    )
    with pytest.raises(NodeRefused):
        client.post("/tx", {"tx": "not hex"})
    client.wait_for(lambda: hot.public_key.address in client.metagraph()["hotkeys"], 20)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        page.goto(node + "/")
        page.wait_for_selector("#metagraph tbody tr")
        row = page.inner_text("#metagraph tbody tr")
        assert hot.public_key.address in row
        page.wait_for_selector("#blocks tbody tr")
        assert page.locator("#blocks tbody tr").count() >= 2
        page.wait_for_selector("#rejected tbody tr")
        assert "not valid hex" in page.inner_text("#rejected")
        status = page.inner_text("#status")
        first = int(re.search(r"height (\d+)", status).group(1))
        page.wait_for_function(
            "h => +(/height (\\d+)/.exec(document.querySelector('#status')"
            ".textContent) || [0, 0])[1] > h",
            arg=first + 3,
        )
        page.screenshot(path=str(screenshots / "dashboard.png"), full_page=True)
    finally:
        context.close()
        client.close()
