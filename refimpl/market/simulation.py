"""The whole market on chain: miners, validators and the subnet, epoch after epoch.

:class:`Market` wires the pieces of lessons 06-09 together on a real
:class:`~refimpl.chain.chain.Chain`: ten :func:`~refimpl.market.miners.standard_miners`
registered as uids 0-9, then four validators: ``v_loss`` (loss with a moving
average), ``v_gate`` (gating network), ``v_prune`` (leave-one-out) and ``cabal``
(a minority that votes only for ``adversarial`` and ``lazy_zero``), with stakes
40/25/15/20. Honest validators drop duplicated answers (:func:`drop_duplicates`),
so a copying miner earns nothing. Every epoch each validator scores the miners on
its private stream and sends a signed ``set_weights``; blocks are mined until the
subnet's epoch pays emission. Introduced in lesson 09.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from refimpl.chain import ChainParams
from refimpl.crypto import PrivateKey
from refimpl.market.axon import Dendrite
from refimpl.market.harness import SubnetHarness, course_key
from refimpl.market.miners import Miner, standard_miners
from refimpl.market.task import Task
from refimpl.market.validators import (
    LossValidator,
    drop_duplicates,
    gate_scores,
    loss_rewards,
    prune_scores,
    query_miners,
    train_gate,
    update_scores,
)

__all__ = ["VALIDATORS", "Market", "neuron_key"]

#: (name, stake) of the four validators, uids 10-13.
VALIDATORS = (("v_loss", 4000), ("v_gate", 2500), ("v_prune", 1500), ("cabal", 2000))


def neuron_key(i: int, cold: bool = False) -> PrivateKey:
    """Fixed course keys: hotkey ``i`` and coldkey ``i`` (never use in real life)."""
    return course_key(0xC0FFEE00, i, cold)


@dataclass
class Market(SubnetHarness):
    """A subnet with miners and validators on a fresh chain (see module docstring).

    The chain, keys and steps are :class:`~refimpl.market.harness.SubnetHarness`'s;
    ``history`` collects, per epoch, the metagraph's incentive, dividends and
    emission (numpy arrays over all uids).
    """

    task: Task = field(default_factory=Task)
    miners: list[Miner] = field(default_factory=list)
    tempo: int = 5
    emission_per_block: int = 1000
    loss_steps: int = 5
    gate_steps: int = 100
    chain_params: ChainParams = field(
        default_factory=lambda: ChainParams(chain_id=9, genesis_bits=0x207FFFFF)
    )
    history: dict[str, list[np.ndarray]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.miners:
            self.miners = standard_miners(self.task)
        SubnetHarness.__init__(
            self,
            [m.name for m in self.miners],
            VALIDATORS,
            neuron_key,
            tempo=self.tempo,
            emission_per_block=self.emission_per_block,
            chain_params=self.chain_params,
        )
        self.axons = [
            m.axon(self.hotkeys[i].public_key.address)
            for i, m in enumerate(self.miners)
        ]
        self.dendrite = Dendrite()
        self.loss_validator = LossValidator(self.task.stream(1), self.n_miners)
        self.streams = {
            name: self.task.stream(2 + i) for i, name in enumerate(self.names)
        }

    # ------------------------------------------------------------ validators
    def weight_rows(self) -> dict[str, np.ndarray]:
        """Each validator's float weights over the miners for this epoch."""
        reg = [int(r) for r in self.subnet.metagraph().registered_at[: self.n_miners]]
        rows: dict[str, np.ndarray] = {}
        v = self.loss_validator
        for _ in range(self.loss_steps):
            x, y = v.stream.next(256)
            preds = drop_duplicates(query_miners(self.dendrite, self.axons, x), reg)
            v.scores = update_scores(
                v.scores, loss_rewards(preds, y), range(self.n_miners)
            )
        rows["v_loss"] = v.scores.copy()
        for name in ("v_gate", "v_prune"):
            x, y = self.streams[name].next(512)
            xh, yh = self.streams[name].next(512)
            preds = drop_duplicates(query_miners(self.dendrite, self.axons, x), reg)
            held = drop_duplicates(query_miners(self.dendrite, self.axons, xh), reg)
            gate = train_gate(x, y, preds, steps=self.gate_steps)
            if name == "v_gate":
                score = gate_scores(gate, xh)
                score[[j for j, p in enumerate(held) if p is None]] = 0.0
            else:
                score = prune_scores(gate, xh, yh, held)
            rows[name] = score
        cabal = np.zeros(self.n_miners)
        cabal[[self.names.index("adversarial"), self.names.index("lazy_zero")]] = 1.0
        rows["cabal"] = cabal
        return rows

    def step(self) -> None:
        """One epoch: score, set weights, mine to the epoch, record the metagraph."""
        self.set_weights(self.weight_rows())
        self.mine_to_epoch()
        self.record()
