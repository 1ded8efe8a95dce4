"""A validator process: query every served axon, score with lesson 07's rules,
send signed ``set_weights`` to the node.

Each round draws a private batch (the validator's own seeded stream), asks all
axons at once through the dendrite (a timeout, never a stall), drops duplicated
answers (:func:`~refimpl.market.validators.drop_duplicates`: a copier earns
nothing), rewards ``max(0, 1 - MSE / mean(y^2))`` (a lazy all-zero answer earns
exactly 0, as does no answer) and updates the template's moving average. Scores
are kept by hotkey, so a uid taken over by a new hotkey starts from zero. When it
holds a validator permit and the rate limit allows, it quantises the scores to u16
and sends ``set_weights``. Introduced in lesson 15.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from refimpl.net import params as netparams
from refimpl.net.client import AsyncNodeClient, NodeRefused
from refimpl.net.dendrite import Reply, Target, query
from refimpl.net.keys import coldkey, hotkey
from refimpl.net.limits import CLIENT_LIMITS

__all__ = ["Validator", "Round", "targets_from"]


@dataclass
class Round:
    """One round: the block seen, each uid's reply status and reward."""

    block: int
    statuses: dict[int, int] = field(default_factory=dict)
    rewards: dict[int, float] = field(default_factory=dict)
    seconds: float = 0.0
    weights_sent: bool = False


def targets_from(mg: dict, exclude: str = "") -> list[Target]:
    """Every neuron of the metagraph that serves an axon (except ``exclude``)."""
    out = []
    for uid, (hk, ax) in enumerate(zip(mg["hotkeys"], mg["axons"], strict=True)):
        if ax is not None and hk != exclude:
            out.append(Target(uid, hk, ax["ip"], int(ax["port"])))
    return out


class Validator:
    """A validator neuron for the node at ``node_url`` (keys from ``seed``)."""

    def __init__(
        self,
        node_url: str,
        seed: int,
        *,
        batch: int = 64,
        timeout: float = 2.0,
        stake: int = 100_000,
        alpha: float = 0.1,
    ) -> None:
        from refimpl.market.task import Task

        self.hot, self.cold = hotkey("validator", seed), coldkey("validator", seed)
        self.address = self.hot.public_key.address
        self.node = AsyncNodeClient(node_url)
        self.stream = Task().stream(1000 + seed)
        self.batch, self.timeout, self.stake, self.alpha = batch, timeout, stake, alpha
        self.scores: dict[str, float] = {}
        self.last_weights = -(10**9)
        self.rounds: list[Round] = []

    async def setup(self, timeout: float = 60.0) -> None:
        """Register the hotkey and stake on it (paid by the funded coldkey)."""
        subnet = netparams.extensions()[0]
        mg = await self.node.metagraph()
        cold = self.cold.public_key.address
        if self.address not in mg["hotkeys"]:
            nonce = (await self.node.balance(cold))["pending_nonce"]
            reg = subnet.register_tx(
                self.cold, self.address, nonce=nonce, chain_id=netparams.CHAIN_ID
            )
            stake = subnet.stake_tx(
                self.cold,
                self.address,
                self.stake,
                nonce=nonce + 1,
                chain_id=netparams.CHAIN_ID,
            )
            await self.node.submit(reg)
            await self.node.submit(stake)

        async def staked() -> bool:
            m = await self.node.metagraph()
            return self.address in m["hotkeys"] and (
                m["stake"][m["hotkeys"].index(self.address)] > 0
            )

        await self.node.wait_for(staked, timeout)

    async def round(self, client: httpx.AsyncClient | None = None) -> Round:
        """Query, score, and maybe set weights; return what happened."""
        import numpy as np
        import torch

        from refimpl.market.validators import (
            drop_duplicates,
            loss_rewards,
            update_scores,
        )

        start = time.perf_counter()
        mg = await self.node.metagraph()
        n = len(mg["hotkeys"])
        result = Round(block=mg["block"])
        me = mg["hotkeys"].index(self.address) if self.address in mg["hotkeys"] else -1
        if me < 0 or not mg["validator_permit"][me]:
            return result  # miners blacklist a validator without a permit: wait
        x, y = self.stream.next(self.batch)
        targets = targets_from(mg, exclude=self.address)
        replies: list[Reply] = await query(
            self.hot, targets, x.tolist(), self.timeout, client
        )
        preds: list[Any] = [None] * n
        for r in replies:
            result.statuses[r.uid] = r.status
            if r.prediction is not None:
                preds[r.uid] = torch.tensor(r.prediction, dtype=torch.float32)
        preds = drop_duplicates(preds, mg["registered_at"])
        rewards = loss_rewards(preds, y)
        old = np.array([self.scores.get(h, 0.0) for h in mg["hotkeys"]])
        new = update_scores(old, rewards, range(n), self.alpha)
        self.scores = {h: float(new[u]) for u, h in enumerate(mg["hotkeys"])}
        result.rewards = {t.uid: float(rewards[t.uid]) for t in targets}
        result.weights_sent = await self._maybe_set_weights(mg)
        result.seconds = time.perf_counter() - start
        self.rounds = [*self.rounds[-99:], result]
        return result

    async def _maybe_set_weights(self, mg: dict) -> bool:
        from refimpl.market.weights import weights_to_u16

        if self.address not in mg["hotkeys"]:
            return False
        me = mg["hotkeys"].index(self.address)
        if not mg["validator_permit"][me]:
            return False
        limit = netparams.subnet_params().weights_rate_limit
        if mg["block"] - self.last_weights < limit:
            return False
        bal = await self.node.balance(self.address)
        if bal["pending_nonce"] != bal["nonce"]:
            return False  # the last weights are not mined yet
        uids = [u for u in range(len(mg["hotkeys"])) if u != me]
        values = [self.scores.get(mg["hotkeys"][u], 0.0) for u in uids]
        uids16, w16 = weights_to_u16(uids, values)
        if not uids16:
            return False
        subnet = netparams.extensions()[0]
        tx = subnet.set_weights_tx(
            self.hot, uids16, w16, nonce=bal["nonce"], chain_id=netparams.CHAIN_ID
        )
        try:
            await self.node.submit(tx)
        except NodeRefused:
            return False
        self.last_weights = mg["block"]
        return True

    async def run(
        self,
        stop: asyncio.Event,
        interval: float = 1.0,
        rounds: int | None = None,
        log: Any = None,
    ) -> None:
        """Set up, then a round every ``interval`` s until ``stop`` (or ``rounds``)."""
        await self.setup()
        async with httpx.AsyncClient(limits=CLIENT_LIMITS) as client:
            count = 0
            while not stop.is_set() and (rounds is None or count < rounds):
                try:
                    r = await self.round(client)
                except (httpx.HTTPError, NodeRefused) as e:
                    if log:
                        log(f"round skipped: {e}")
                else:
                    count += 1
                    if log:
                        ok = sum(1 for s in r.statuses.values() if s == 200)
                        log(
                            f"block {r.block}: {ok}/{len(r.statuses)} answered in "
                            f"{r.seconds:.2f} s; weights sent: {r.weights_sent}"
                        )
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval)
        await self.node.aclose()
