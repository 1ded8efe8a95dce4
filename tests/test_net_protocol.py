"""Lesson 15: signed requests, the axon's blacklist/verify/priority, serve_axon.

In-process (httpx.ASGITransport, no sockets): every request attack gets the right
status and reason, and the axon's nonce store survives a restart.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from refimpl.chain import Chain, InvalidTransaction
from refimpl.net import params as netparams
from refimpl.net.axon import SYNAPSE, AxonServer, PriorityGate
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.protocol import (
    NONCE,
    SIGNATURE,
    AuthError,
    NonceStore,
    RequestVerifier,
    sign_request,
    sign_response,
    verify_response,
)
from refimpl.net.serving import serve_axon_tx

VAL = hotkey("validator", 0)
OTHER = hotkey("validator", 1)  # registered, no permit
STRANGER = hotkey("validator", 2)  # not registered
MINER = hotkey("miner", 0)
METAGRAPH = {
    "hotkeys": [
        MINER.public_key.address,
        VAL.public_key.address,
        OTHER.public_key.address,
    ],
    "stake": [0, 5000, 10],
    "validator_permit": [False, True, False],
}
X = [[0.5] * 8, [-1.0] * 8]
BODY = json.dumps({"x": X}).encode()
MINER_ADDR = hotkey("node", 1).public_key.address


def double(rows):
    return [[2 * sum(r)] for r in rows]


def make_axon(path=":memory:", **kw) -> AxonServer:
    return AxonServer(MINER, double, lambda: METAGRAPH, nonces=NonceStore(path), **kw)


async def _post(axon: AxonServer, headers: dict, body: bytes = BODY) -> httpx.Response:
    transport = httpx.ASGITransport(app=axon.app())
    async with httpx.AsyncClient(transport=transport, base_url="http://axon") as c:
        return await c.post(SYNAPSE, content=body, headers=headers)


def post(axon, headers, body=BODY):
    return asyncio.run(_post(axon, headers, body))


def signed(key=VAL, receiver=None, body=BODY, **kw) -> dict:
    receiver = receiver or MINER.public_key.address
    return sign_request(key, receiver, "POST", SYNAPSE, body, **kw)


def test_a_signed_request_is_answered_and_the_answer_is_signed():
    axon = make_axon()
    h = signed()
    r = post(axon, h)
    assert r.status_code == 200
    assert r.json() == {"prediction": [[8.0], [-16.0]]}
    verify_response(
        r.headers,
        r.content,
        MINER.public_key.address,
        VAL.public_key.address,
        int(h[NONCE]),
    )
    with pytest.raises(AuthError, match="another hotkey"):  # not from that miner
        verify_response(
            r.headers,
            r.content,
            OTHER.public_key.address,
            VAL.public_key.address,
            int(h[NONCE]),
        )
    with pytest.raises(AuthError, match="body changed"):
        verify_response(
            r.headers,
            r.content.replace(b"8.0", b"9.0"),
            MINER.public_key.address,
            VAL.public_key.address,
            int(h[NONCE]),
        )


@pytest.mark.parametrize(
    "attack, status, reason",
    [
        ("unsigned", 401, "no sender"),
        ("empty_signature", 401, "missing or empty signature"),
        ("not_registered", 403, "not registered"),
        ("no_permit", 403, "no validator permit"),
        ("tampered_body", 401, "body changed"),
        ("tampered_hash", 401, "bad signature"),
        ("wrong_receiver", 401, "wrong receiver"),
        ("forged_sender", 401, "bad signature"),
        ("stale", 401, "stale timestamp"),
        ("future", 401, "stale timestamp"),
        ("garbage_signature", 401, "65 bytes"),
    ],
)
def test_every_request_attack_is_refused(attack, status, reason):
    axon = make_axon()
    body = BODY
    if attack == "unsigned":
        h = {}
    elif attack == "empty_signature":
        h = {**signed(), SIGNATURE: ""}
    elif attack == "not_registered":
        h = signed(STRANGER)
    elif attack == "no_permit":
        h = signed(OTHER)
    elif attack == "tampered_body":
        h, body = signed(), BODY.replace(b"0.5", b"0.6")
    elif attack == "tampered_hash":  # the attacker also fixes the hash header
        import hashlib

        body = BODY.replace(b"0.5", b"0.6")
        h = {**signed(), "x-cm-body-sha256": hashlib.sha256(body).hexdigest()}
    elif attack == "wrong_receiver":
        h = signed(receiver=OTHER.public_key.address)
    elif attack == "forged_sender":  # a stranger signs, claims to be the validator
        h = {**signed(STRANGER), "x-cm-sender": signed()["x-cm-sender"]}
    elif attack == "stale":
        h = signed(timestamp_ms=int((time.time() - 3600) * 1000))
    elif attack == "future":
        h = signed(timestamp_ms=int((time.time() + 3600) * 1000))
    else:
        h = {**signed(), SIGNATURE: "00" * 10}
    r = post(axon, h, body)
    assert r.status_code == status
    assert reason in r.json()["error"]
    assert axon.stats["200 ok"] == 0  # the model never ran


def test_a_replay_is_refused_even_after_the_axon_restarts(tmp_path):
    path = str(tmp_path / "nonces.sqlite")
    h = signed()
    assert post(make_axon(path), h).status_code == 200
    r = post(make_axon(path), h)  # a fresh axon process, same nonce file
    assert r.status_code == 401 and "replayed" in r.json()["error"]
    older = signed(nonce=int(h[NONCE]) - 5)
    assert post(make_axon(path), older).status_code == 401
    assert post(make_axon(path), signed()).status_code == 200


def test_a_refused_request_burns_no_nonce():
    store = NonceStore()
    v = RequestVerifier(MINER.public_key.address, store)
    h = signed(nonce=1000)
    with pytest.raises(AuthError):
        v.verify("POST", SYNAPSE, h, BODY + b" ")
    assert store.last(VAL.public_key.address) == 0
    assert v.verify("POST", SYNAPSE, h, BODY) == VAL.public_key.address
    with pytest.raises(AuthError, match="another route|bad signature"):
        RequestVerifier(MINER.public_key.address, NonceStore()).verify(
            "POST", "/Other", signed(), BODY
        )


def test_bad_synapse_bodies_get_400_and_big_ones_413():
    for body in (b"{", b"[]", b'{"x": [[1, 2]]}', b'{"x": [["a"] * 8]}', b'{"x": []}'):
        r = post(make_axon(), signed(body=body), body)
        assert r.status_code == 400, body
    big = b'{"x": [' + b"[1,1,1,1,1,1,1,1]," * 20000 + b"[1,1,1,1,1,1,1,1]]}"
    assert post(make_axon(), signed(body=big), big).status_code == 413


def test_the_axon_signs_exactly_the_body_it_sends():
    h = sign_response(MINER, VAL.public_key.address, 7, b"abc")
    verify_response(h, b"abc", MINER.public_key.address, VAL.public_key.address, 7)
    with pytest.raises(AuthError, match="another request"):
        verify_response(h, b"abc", MINER.public_key.address, VAL.public_key.address, 8)
    with pytest.raises(AuthError, match="another receiver"):
        verify_response(
            h, b"abc", MINER.public_key.address, MINER.public_key.address, 7
        )


def test_priority_goes_to_the_largest_stake():
    async def run() -> list[float]:
        gate = PriorityGate(slots=1)
        await gate.acquire(0.0)  # busy: everyone else queues
        order: list[float] = []

        async def ask(stake: float) -> None:
            async with gate.hold(stake):
                order.append(stake)

        tasks = [asyncio.create_task(ask(s)) for s in (1.0, 50.0, 5.0, 50.0)]
        await asyncio.sleep(0.01)
        gate.release()
        await asyncio.gather(*tasks)
        assert gate.busy == 0
        return order

    assert asyncio.run(run()) == [50.0, 50.0, 5.0, 1.0]


def _chain():
    subnet, nft, serving = netparams.extensions(tempo=5)
    chain = Chain(
        netparams.chain_params(), [subnet, nft, serving], netparams.genesis_alloc()
    )
    subnet.attach(chain)
    return chain, subnet, serving


def test_serve_axon_records_the_address_of_a_registered_hotkey():
    chain, subnet, serving = _chain()
    hot, cold = hotkey("miner", 3), coldkey("miner", 3)
    early = serve_axon_tx(hot, "10.0.0.7", 8091, nonce=0, chain_id=15)
    with pytest.raises(InvalidTransaction, match="not registered"):
        chain.validate_transaction(early)
    chain.mine_block([subnet.register_tx(cold, hot.public_key.address)], MINER_ADDR)
    chain.validate_transaction(early)
    for ip, port, why in [
        ("0.0.0.0", 8091, "cannot be reached"),
        ("10.0.0.300", 8091, "not an IPv4"),
        ("localhost", 8091, "not an IPv4"),
        ("10.0.0.7", 80, "outside 1024-65535"),
        ("10.0.0.7", 70000, "outside 1024-65535"),
    ]:
        with pytest.raises(InvalidTransaction, match=why):
            chain.validate_transaction(
                serve_axon_tx(hot, ip, port, nonce=0, chain_id=15)
            )
    before = chain.state.snapshot()
    with pytest.raises(InvalidTransaction):
        chain.validate_transaction(
            serve_axon_tx(hot, "1.2.3.4", 1, nonce=0, chain_id=15)
        )
    assert chain.state.snapshot() == before
    chain.mine_block([early], MINER_ADDR)
    assert serving.axons(chain.state) == {
        hot.public_key.address: {
            "ip": "10.0.0.7",
            "port": 8091,
            "version": 1,
            "block": 2,
        }
    }
    moved = serve_axon_tx(hot, "10.0.0.8", 9000, nonce=1, chain_id=15)
    chain.mine_block([moved], MINER_ADDR)
    assert serving.axons(chain.state)[hot.public_key.address]["ip"] == "10.0.0.8"


def test_build_model_is_standard_miners_recipe():
    import torch

    from refimpl.market.miners import standard_miners
    from refimpl.market.task import Task
    from refimpl.net.miner import MINER_KINDS, build_model

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        task = Task()
        x, _ = task.sample(16, 123)
        reference = {m.name: m for m in standard_miners(task, steps=5)}
        for kind in MINER_KINDS:
            model = build_model(kind, task, steps=5)
            with torch.no_grad():
                assert torch.equal(model(x), reference[kind].predict(x)), kind
    finally:
        torch.set_num_threads(threads)


def test_the_lesson_check_signs_what_refimpl_signs():
    from refimpl.course.checks import l15

    h = signed()
    digest = l15._request_digest(
        "POST",
        SYNAPSE,
        h["x-cm-sender"],
        MINER.public_key.address,
        int(h[NONCE]),
        int(h["x-cm-timestamp"]),
        BODY,
    )
    from refimpl.crypto import Signature

    assert VAL.public_key.verify(digest, Signature.parse(bytes.fromhex(h[SIGNATURE])))


def test_command_line_refusals(tmp_path):
    import subprocess
    import sys

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "refimpl.net", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert "{node,miner,validator,classroom}" in run("--help").stdout
    r = run("miner", "--node", "http://127.0.0.1:1", "--host", "0.0.0.0", "--seed", "1")
    assert r.returncode == 2 and "give --ip" in r.stderr
    r = run("miner", "--node", "x", "--seed", "1", "--kind", "genius")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    from refimpl.net.node import Node

    Node(tmp_path / "d", tempo=5, block_interval=0).close()
    r = run("node", "--data", str(tmp_path / "d"), "--tempo", "7", "--port", "1")
    assert r.returncode == 2 and "same --tempo" in r.stderr
