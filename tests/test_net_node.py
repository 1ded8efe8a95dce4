"""Lesson 15: the node's API in-process (httpx.ASGITransport): bad input gets a
clear 4xx and changes no state; a restart reloads everything that was accepted."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest

from refimpl.chain import Block, Transaction
from refimpl.chain.block import block_from_parts, make_coinbase
from refimpl.chain.pow import bits_to_target, mine
from refimpl.crypto import sha256d
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.node import Node
from refimpl.net.nodeapp import MAX_BODY, node_app

COLD = coldkey("validator", 0)
RECIPIENT = hotkey("miner", 9).public_key.address


def transfer(nonce: int, amount: int = 5, key=COLD) -> Transaction:
    return Transaction(
        key.public_key.to_bytes(compressed=True), RECIPIENT, amount, 0, nonce, 15
    ).sign(key)


def fingerprint(node: Node) -> tuple:
    return (
        node.chain.height,
        node.chain.tip.hash(),
        len(node.chain.all_blocks()),
        len(node.chain.orphans),
        tuple(node.mempool),
        node.pending.snapshot()["balances"] == node.pending.snapshot()["balances"],
    )


class Api:
    """Call the app in-process from synchronous test code."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self.app = node_app(node)

    def __call__(self, method: str, path: str, **kw) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app, client=("127.0.0.1", 5))
            async with httpx.AsyncClient(transport=transport, base_url="http://n") as c:
                self.node._http = c
                try:
                    return await c.request(method, path, **kw)
                finally:
                    self.node._http = None

        return asyncio.run(go())


@pytest.fixture
def api(tmp_path) -> Api:
    node = Node(tmp_path / "node", tempo=5, block_interval=0)
    yield Api(node)
    node.close()


def test_status_blocks_and_mining(api):
    assert api("GET", "/status").json()["height"] == 0
    r = api("POST", "/admin/mine", json={"blocks": 3})
    assert r.json()["height"] == 3
    tip = api("GET", "/status").json()["tip"]
    b = api("GET", f"/blocks/{tip}").json()
    assert b["height"] == 3 and Block.parse(bytes.fromhex(b["raw"])).hash_hex() == tip
    heights = [x["height"] for x in api("GET", "/blocks?from=1&to=3").json()["blocks"]]
    assert heights == [1, 2, 3]
    assert api("GET", "/supply").json()["conserved"] is True
    assert '<table id="metagraph"' in api("GET", "/").text


def test_a_transaction_is_accepted_once(api):
    tx = transfer(0)
    r = api("POST", "/tx", json={"tx": tx.serialize().hex()})
    assert r.status_code == 202 and r.json()["txid"] == tx.txid_hex()
    before = fingerprint(api.node)
    r = api("POST", "/tx", json={"tx": tx.serialize().hex()})
    assert r.status_code == 409 and "duplicate" in r.json()["error"]
    assert fingerprint(api.node) == before
    # the next nonce queues behind it (pending state)
    assert (
        api("POST", "/tx", json={"tx": transfer(1).serialize().hex()}).status_code
        == 202
    )
    api("POST", "/admin/mine", json={"blocks": 1})
    bal = api("GET", f"/balance/{RECIPIENT}").json()
    assert bal["balance"] == 10 and api.node.mempool == {}
    r = api("POST", "/tx", json={"tx": tx.serialize().hex()})  # mined: a replay
    assert r.status_code == 422 and "nonce 0 reused" in r.json()["error"]


@pytest.mark.parametrize(
    "body, status, reason",
    [
        (b"{not json", 400, "malformed JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"tx": 5}', 400, "hex string"),
        (b'{"tx": "zz"}', 400, "not valid hex"),
        (b'{"tx": "00"}', 400, "not a transaction"),
        (b"[" * 5000 + b"]" * 5000, 400, "malformed JSON"),
    ],
)
def test_malformed_transactions_get_400(api, body, status, reason):
    before = fingerprint(api.node)
    r = api("POST", "/tx", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status and reason in r.json()["error"]
    assert fingerprint(api.node) == before
    assert api("GET", "/rejected").json()["rejected"][0]["status"] == status


def test_invalid_transactions_get_422_with_the_chains_reason(api):
    tx = transfer(0)
    forged = replace(tx, amount=6)  # signature no longer matches
    broke = transfer(0, 10**12)
    skip = transfer(3)
    other_chain = Transaction(tx.sender, RECIPIENT, 5, 0, 0, 99).sign(COLD)
    for bad, why in [
        (forged, "bad signature"),
        (broke, "insufficient balance"),
        (skip, "skips ahead"),
        (other_chain, "chain id 99"),
    ]:
        before = fingerprint(api.node)
        r = api("POST", "/tx", json={"tx": bad.serialize().hex()})
        assert r.status_code == 422 and why in r.json()["error"], r.json()
        assert fingerprint(api.node) == before


def test_oversized_bodies_unknown_routes_and_admin(api):
    r = api("POST", "/tx", content=b"x" * (MAX_BODY + 1))
    assert r.status_code == 413
    assert api("GET", "/nowhere").status_code == 404
    assert api("POST", "/status").status_code == 405
    assert api("GET", "/blocks/xyz").status_code == 400
    assert api("GET", "/blocks/" + "ab" * 32).status_code == 404
    assert api("GET", "/blocks?from=5&to=1").status_code == 400
    assert api("POST", "/admin/mine", json={"blocks": 1000}).status_code == 400


def _child(node: Node, *, valid_pow: bool = True, prev: bytes | None = None) -> Block:
    chain = node.chain
    parent = chain.tip
    ts = chain.median_time_past() + 1
    cb = make_coinbase(RECIPIENT, 50 * 10**8, chain.height + 1, 15)
    block = block_from_parts(
        prev or parent.hash(), [cb], max(ts, parent.header.timestamp), 0x2000FFFF, 1
    )
    if valid_pow:
        return block.with_header(mine(block.header))
    target = bits_to_target(0x2000FFFF)
    header = block.header
    for nonce in range(10_000):  # find a nonce that does NOT meet the target
        header = header.with_nonce(nonce)
        if int.from_bytes(header.hash(), "little") > target:
            return block.with_header(header)
    raise AssertionError("no failing nonce found")


def test_bad_blocks_get_4xx_and_change_nothing(api):
    api("POST", "/admin/mine", json={"blocks": 2})
    before = fingerprint(api.node)
    bad_pow = _child(api.node, valid_pow=False)
    cases = [
        ({"block": bad_pow.serialize().hex()}, 422, "proof of work"),
        ({"block": "00" * 81}, 422, "coinbase"),
        ({"block": "00" * 79}, 400, "not a block"),
        ({"block": "garbage"}, 400, "not valid hex"),
        ({"block": 7}, 400, "hex string"),
        (
            {"block": _child(api.node, prev=sha256d(b"x")).serialize().hex()},
            409,
            "orphan",
        ),
    ]
    for body, status, reason in cases:
        r = api("POST", "/block", json=body)
        assert r.status_code == status and reason in r.json()["error"], r.json()
        assert fingerprint(api.node) == before
    good = _child(api.node)
    r = api("POST", "/block", json={"block": good.serialize().hex()})
    assert r.json()["status"] == "connected" and api.node.chain.height == 3
    r = api("POST", "/block", json={"block": good.serialize().hex()})
    assert r.json()["status"] == "known"


def test_a_long_chain_of_orphans_is_not_kept(api):
    before = fingerprint(api.node)
    prev = sha256d(b"nowhere")
    for _ in range(120):  # each one's parent is the one before: a chain of orphans
        block = _child(api.node, prev=prev)
        r = api("POST", "/block", json={"block": block.serialize().hex()})
        assert r.status_code == 409
        prev = block.hash()
    assert fingerprint(api.node) == before and api.node.chain.orphans == []
    assert len(api.node.rejected) <= api.node.rejected.maxlen


def test_restart_reloads_the_chain_and_the_mempool(tmp_path):
    node = Node(tmp_path / "n", tempo=5, block_interval=0)
    for _ in range(4):
        node.mine_block()
    node.accept_tx(transfer(0).serialize().hex())
    height, tip = node.chain.height, node.chain.tip.hash()
    node._db.close()  # a crash: nothing but what is on disk survives
    again = Node(tmp_path / "n", tempo=5, block_interval=0)
    assert (again.chain.height, again.chain.tip.hash()) == (height, tip)
    assert list(again.mempool) == [transfer(0).txid()]
    again.close()
    with pytest.raises(Exception, match="same --tempo"):
        Node(tmp_path / "n", tempo=7, block_interval=0)


def test_sync_gives_up_on_an_endless_fork_and_keeps_nothing(tmp_path, monkeypatch):
    """A peer whose chain never meets ours: the fetch stops at MAX_FETCH blocks."""
    import refimpl.net.node as node_module

    monkeypatch.setattr(node_module, "MAX_FETCH", 25)
    liar = Node(tmp_path / "liar", tempo=5, block_interval=0)
    blocks: dict[str, Block] = {}
    prev = sha256d(b"a genesis nobody else has")
    for _ in range(40):
        b = _child(liar, prev=prev)
        blocks[b.hash_hex()] = b
        prev = b.hash()
    tip = b.hash_hex()

    from fastapi import FastAPI

    fake = FastAPI()

    @fake.get("/status")
    async def status() -> dict:
        return {"tip": tip}

    @fake.get("/blocks/{h}")
    async def block(h: str) -> dict:
        return {"raw": blocks[h].serialize().hex()}

    node = Node(tmp_path / "n", tempo=5, block_interval=0, peers=["http://liar"])
    before = fingerprint(node)

    async def go() -> int:
        transport = httpx.ASGITransport(app=fake)
        async with httpx.AsyncClient(transport=transport) as c:
            node._http = c
            return await node.sync_once()

    assert asyncio.run(go()) == 0
    assert fingerprint(node) == before
    assert "deeper than 25" in node.rejected[0].reason
    node.close()
    liar.close()
