"""Real-browser test of lesson 15's dashboard: the node's page in Chromium.

A node process on 127.0.0.1 mines every 0.3 s; we register a neuron, serve its axon
(in a thread), send one bad transaction to the node and one unsigned request to the
axon, then check that the page shows the metagraph with the axon's address, recent
blocks and both refusals, and that it refreshes by itself (the height moves without a
reload).
Run: ``pytest -m browser tests/browser/test_dashboard_browser.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from refimpl.net import params as netparams
from refimpl.net.axon import AxonServer
from refimpl.net.client import NodeClient, NodeRefused
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.procs import Network, ThreadedServer, free_port
from refimpl.net.serving import serve_axon_tx

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
    # an axon of that hotkey, served on chain, that refuses one unsigned request
    port = free_port()
    axon = AxonServer(hot, lambda rows: [[0.0] for _ in rows], client.metagraph)
    server = ThreadedServer(axon.app(), "127.0.0.1", port).start()
    client.submit(serve_axon_tx(hot, "127.0.0.1", port, nonce=0, chain_id=15))
    client.wait_for(lambda: any(client.metagraph()["axons"]), 20)
    assert httpx.post(f"{server.url}/Predict", json={"x": []}).status_code == 401
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
        page.wait_for_selector("#axon-rejected tbody tr")
        assert "unsigned request" in page.inner_text("#axon-rejected")
        assert f"127.0.0.1:{port}" in page.inner_text("#metagraph")
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
        server.stop()
