"""Lesson 15: the dendrite over real sockets on 127.0.0.1 (axons in threads).

A dead miner, a miner killed in the middle of a round and a miner that answers
after the timeout all come back without a prediction (so they score zero), and the
round ends after about one timeout, not after the slowest miner.
"""

from __future__ import annotations

import asyncio
import time

import pytest

from refimpl.net.axon import AxonServer
from refimpl.net.dendrite import Target, query, query_sequential
from refimpl.net.keys import hotkey
from refimpl.net.procs import ThreadedServer, free_port

VAL = hotkey("validator", 0)
KEYS = [hotkey("miner", 50 + i) for i in range(4)]
METAGRAPH = {
    "hotkeys": [VAL.public_key.address] + [k.public_key.address for k in KEYS],
    "stake": [1000, 0, 0, 0, 0],
    "validator_permit": [True, False, False, False, False],
}
X = [[0.25] * 8] * 4


def ones(rows):
    return [[1.0] for _ in rows]


@pytest.fixture
def axons():
    servers, targets = [], []
    for i, (key, delay) in enumerate(zip(KEYS, (0.0, 0.0, 1.5, 0.8), strict=True)):
        port = free_port()
        axon = AxonServer(key, ones, lambda: METAGRAPH, delay=delay)
        servers.append(ThreadedServer(axon.app(), "127.0.0.1", port).start())
        targets.append(Target(i + 1, key.public_key.address, "127.0.0.1", port))
    yield servers, targets
    for s in servers:
        s.stop()


def test_slow_dead_and_killed_miners_score_zero_without_stalling(axons):
    servers, targets = axons
    dead = Target(9, hotkey("miner", 99).public_key.address, "127.0.0.1", free_port())

    async def round_with_a_kill():
        task = asyncio.create_task(query(VAL, [*targets, dead], X, timeout=1.0))
        await asyncio.sleep(0.3)
        servers[3].server.force_exit = True  # miner 4 dies mid-request
        servers[3].server.should_exit = True
        return await task

    start = time.perf_counter()
    replies = asyncio.run(round_with_a_kill())
    elapsed = time.perf_counter() - start
    assert [r.status for r in replies[:2]] == [200, 200]
    assert replies[0].prediction == [[1.0]] * 4
    assert replies[2].status == 408 and replies[2].prediction is None  # too slow
    assert replies[3].prediction is None  # killed mid-round
    assert replies[4].status == 503 and replies[4].prediction is None  # dead
    assert elapsed < 1.45  # one timeout (+ 0.5 s grace), not the 1.5 s miner

    import torch

    from refimpl.market.validators import loss_rewards

    preds = [torch.tensor(r.prediction) if r.prediction else None for r in replies]
    rewards = loss_rewards(preds, torch.full((4, 1), 1.0))
    assert list(rewards[2:]) == [0.0, 0.0, 0.0]
    assert list(rewards[:2]) == [1.0, 1.0]


def test_a_forged_answer_counts_as_no_answer(axons):
    _, targets = axons
    # the dendrite expects miner 1's hotkey at miner 2's address: signature mismatch
    swapped = Target(1, targets[0].hotkey, targets[1].ip, targets[1].port)
    (reply,) = asyncio.run(query(VAL, [swapped], X, timeout=1.0))
    assert reply.prediction is None and reply.status == 401  # refused: wrong receiver
    (reply,) = asyncio.run(query_sequential(VAL, targets[:1], X, timeout=1.0))
    assert reply.status == 200
