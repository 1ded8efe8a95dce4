"""Lesson 15: the network as separate processes on 127.0.0.1.

* two nodes gossip transactions and blocks, split (a partition), mine apart and
  converge on the most-work tip when the partition heals; a node killed with
  SIGKILL restarts from its data with nothing lost;
* a node, a peered second node, a validator and six miners of different kinds:
  after a few epochs the honest miners earn and the lazy, copying and too-slow
  ones get exactly zero; supply is conserved on both nodes.

Every process is stopped at the end (SIGINT, then SIGTERM, then SIGKILL), and every
wait is bounded.
"""

from __future__ import annotations

import pytest

from refimpl.chain import Transaction
from refimpl.net.client import NodeClient
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.procs import Network, free_port


def addr(role: str, seed: int) -> str:
    return hotkey(role, seed).public_key.address


@pytest.fixture
def net(tmp_path):
    network = Network(tmp_path / "logs")
    yield network
    network.stop()
    assert all(not p.alive() for p in network.procs)


def test_two_nodes_gossip_split_heal_and_restart(net, tmp_path):
    pa, pb = free_port(), free_port()
    node_a, url_a = net.node("a", pa, tmp_path / "a", tempo=5, block_interval=0)
    _, url_b = net.node(
        "b", pb, tmp_path / "b", tempo=5, block_interval=0, peers=(url_a,)
    )
    a, b = NodeClient(url_a), NodeClient(url_b)
    a.wait_for(lambda: url_b in a.status()["peers"], 10, what="b introduces itself")
    a.mine(2)
    b.wait_for(lambda: b.status()["height"] == 2, 10, what="block gossip")
    cold = coldkey("validator", 3)
    tx = Transaction(
        cold.public_key.to_bytes(compressed=True), addr("miner", 1), 7, 0, 0, 15
    ).sign(cold)
    b.submit(tx)
    a.wait_for(lambda: a.status()["mempool"] == 1, 10, what="tx gossip")

    a.partition(True)
    b.partition(True)
    a.mine(2)
    b.mine(4)
    sa, sb = a.status(), b.status()
    assert (sa["height"], sb["height"]) == (4, 6) and sa["tip"] != sb["tip"]
    a.partition(False)
    b.partition(False)
    a.wait_for(lambda: a.status()["tip"] == sb["tip"], 15, what="heal to most work")
    assert b.status()["tip"] == sb["tip"]
    # the transaction was mined on both branches: exactly once on the winner
    assert a.balance(addr("miner", 1))["balance"] == 7
    for c in (a, b):
        assert c.supply()["conserved"]

    node_a.kill()  # a crash: SIGKILL, no shutdown code runs
    height, tip = sb["height"], sb["tip"]
    net.node("a2", pa, tmp_path / "a", tempo=5, block_interval=0)
    st = a.status()
    assert (st["height"], st["tip"]) == (height, tip)
    assert a.balance(addr("miner", 1))["balance"] == 7
    node_a2 = net.procs[-1]
    node_a2.popen.terminate()  # SIGTERM: a clean stop, exit code 0
    assert node_a2.popen.wait(15) == 0
    a.close()
    b.close()


MINERS = [  # (seed, kind, extra arguments): honest_big first, its copier later
    (1, "honest_big", ()),
    (2, "honest_small", ()),
    (3, "lazy_zero", ()),
    (4, "copier_of_0", ()),
    (5, "specialist", ()),
    (6, "honest_mid", ("--delay", "3.5")),  # always answers after the timeout
]


def test_a_live_market_pays_honest_miners_only(net, tmp_path):
    _, url = net.node("a", free_port(), tmp_path / "a", tempo=5, block_interval=0.3)
    _, url_b = net.node(
        "b", free_port(), tmp_path / "b", tempo=5, block_interval=0, peers=(url,)
    )
    a, b = NodeClient(url), NodeClient(url_b)
    hk = {kind: addr("miner", seed) for seed, kind, _ in MINERS}

    def uid(kind: str, mg: dict) -> int:
        return mg["hotkeys"].index(hk[kind])

    for seed, kind, extra in MINERS:
        net.miner(kind, url, free_port(), seed, kind, *extra)
        if kind == "honest_big":  # registered before its copier
            a.wait_for(lambda: hk["honest_big"] in a.metagraph()["hotkeys"], 60)
    net.validator("validator", url, 0, "--timeout", "2", "--interval", "0.5")

    def served() -> bool:
        mg = a.metagraph()
        return all(
            h in mg["hotkeys"] and mg["axons"][mg["hotkeys"].index(h)]
            for h in hk.values()
        )

    a.wait_for(served, 90, 0.5, "six miners serving")

    def earning() -> dict | None:
        mg = a.metagraph()
        big, small = uid("honest_big", mg), uid("honest_small", mg)
        paid = mg["incentive"][big] > 0 and mg["incentive"][small] > 0
        return (
            mg if paid and mg["block"] >= 2 * 5 + mg["registered_at"][small] else None
        )

    a.wait_for(earning, 60, 0.5, "honest miners earning")
    start = a.metagraph()["block"]
    a.wait_for(lambda: a.metagraph()["block"] >= start + 10, 30, 0.5, "two epochs")
    mg = a.metagraph()
    for kind in ("honest_big", "honest_small"):
        assert mg["incentive"][uid(kind, mg)] > 0, kind
        assert a.balance(hk[kind])["balance"] > 0, kind
    for kind in ("lazy_zero", "copier_of_0", "honest_mid"):
        assert mg["incentive"][uid(kind, mg)] == 0.0, kind
        assert mg["emission"][uid(kind, mg)] == 0, kind
        assert a.balance(hk[kind])["balance"] == 0, kind
    v = mg["hotkeys"].index(addr("validator", 0))
    assert mg["validator_permit"][v] and mg["dividends"][v] > 0
    tip = a.status()["tip"]
    b.wait_for(lambda: b.status()["height"] >= mg["block"], 20, what="b follows")
    for c in (a, b):
        assert c.supply()["conserved"]
    assert tip  # both nodes answered throughout
    assert all(p.alive() for p in net.procs), [p.log() for p in net.procs]
    a.close()
    b.close()
