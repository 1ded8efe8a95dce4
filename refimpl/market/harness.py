"""A subnet on a fresh chain: keys, set-up, mining to an epoch, weights, history.

:class:`SubnetHarness` is what lesson 09's :class:`~refimpl.market.simulation.Market`
and lesson 13's :class:`~refimpl.artnet.subnet_run.ArtSubnet` share. It makes one
hotkey and one coldkey per neuron (miners first, then the validators), a
:class:`~refimpl.market.subnet.Subnet` with one uid per neuron, a chain whose
genesis gives every coldkey 10,000 tokens, and the steps of a run: ``setup()``
(register everyone, stake the validators, mine to the first epoch),
``set_weights(rows)`` (one block of signed u16 weights), ``mine_to_epoch()`` and
``record()`` (the metagraph's incentive, dividends and emission into
``history``). A subclass says how validators score (``step``). Introduced in
lesson 09.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np

from refimpl.chain import Chain, ChainParams, Transaction
from refimpl.chain.extension import Extension
from refimpl.crypto import PrivateKey
from refimpl.market.subnet import Subnet, SubnetParams
from refimpl.market.weights import weights_to_u16

__all__ = ["SubnetHarness", "course_key", "GENESIS_TOKENS"]

#: What genesis gives each coldkey.
GENESIS_TOKENS = 10_000


def course_key(base: int, i: int, cold: bool = False) -> PrivateKey:
    """Fixed course keys from ``base``: hotkey ``i`` and coldkey ``i`` (never use
    such keys in real life). Introduced in lesson 09."""
    return PrivateKey(base + 2 * i + (1 if cold else 0))


class SubnetHarness:
    """One subnet with fixed keys on a fresh chain (see the module docstring).

    ``miner_names`` are uids ``0..n_miners-1``; ``validators`` are ``(name,
    stake)`` pairs, the uids after them. ``key(i, cold)`` gives neuron ``i``'s
    keys; ``key(99)`` is the subnet owner and ``key(98)`` the block miner (a
    bystander who takes the block rewards). ``extensions`` are added to the
    chain after the subnet.
    """

    def __init__(
        self,
        miner_names: Sequence[str],
        validators: Sequence[tuple[str, int]],
        key: Callable[..., PrivateKey],
        *,
        tempo: int,
        emission_per_block: int,
        chain_params: ChainParams,
        extensions: Sequence[Extension] = (),
    ) -> None:
        self.validators = tuple(validators)
        self.names = [*miner_names, *(v for v, _ in self.validators)]
        self.n_miners = len(miner_names)
        self.tempo = tempo
        n = len(self.names)
        self.hotkeys = [key(i) for i in range(n)]
        self.coldkeys = [key(i, cold=True) for i in range(n)]
        self.owner = key(99).public_key.address
        self.block_miner = key(98).public_key.address
        self.subnet = Subnet(
            SubnetParams(
                owner=self.owner,
                max_uids=n,
                tempo=tempo,
                weights_rate_limit=tempo,
                emission_per_block=emission_per_block,
            )
        )
        alloc = {k.public_key.address: GENESIS_TOKENS for k in self.coldkeys}
        self.chain = Chain(chain_params, [self.subnet, *extensions], alloc)
        self.subnet.attach(self.chain)
        self.history: dict[str, list] = {
            "incentive": [],
            "dividends": [],
            "emission": [],
        }

    # ------------------------------------------------------------ chain steps
    def address(self, name: str) -> str:
        """The hotkey address of a neuron (where its emission is paid)."""
        return self.hotkeys[self.names.index(name)].public_key.address

    def mine(self, txs: Iterable[Transaction] = ()) -> None:
        """Mine one block with ``txs`` (the block reward goes to a bystander)."""
        self.chain.mine_block(list(txs), self.block_miner)

    def mine_to_epoch(self) -> None:
        """Mine empty blocks until the subnet's next epoch has run."""
        while True:
            self.mine()
            if self.chain.height % self.tempo == 0:
                return

    def setup(self) -> None:
        """Register every neuron, stake the validators, run to the first epoch
        (which hands out the validator permits)."""
        self.mine(
            self.subnet.register_tx(self.coldkeys[i], k.public_key.address)
            for i, k in enumerate(self.hotkeys)
        )
        self.mine(
            self.subnet.stake_tx(
                self.coldkeys[self.n_miners + j],
                self.hotkeys[self.n_miners + j].public_key.address,
                stake,
            )
            for j, (_, stake) in enumerate(self.validators)
        )
        self.mine_to_epoch()

    # ------------------------------------------------------------ one epoch
    def set_weights(self, rows: dict[str, np.ndarray]) -> None:
        """Quantise each validator's row to u16 and mine one block of signed
        ``set_weights`` (a validator with no row, or an all-zero one, sends
        nothing: the chain would refuse it)."""
        txs = []
        for j, (name, _) in enumerate(self.validators):
            if name not in rows:
                continue
            uids, values = weights_to_u16(range(self.n_miners), rows[name])
            if uids:
                key = self.hotkeys[self.n_miners + j]
                txs.append(self.subnet.set_weights_tx(key, uids, values))
        self.mine(txs)

    def record(self) -> None:
        """Append the metagraph's incentive, dividends and emission to
        ``history``."""
        mg = self.subnet.metagraph()
        self.history["incentive"].append(mg.incentive.copy())
        self.history["dividends"].append(mg.dividends.copy())
        self.history["emission"].append(mg.emission.copy())

    def step(self) -> object:
        """One epoch (the subclass says how validators score)."""
        raise NotImplementedError

    def run(self, epochs: int) -> SubnetHarness:
        """``setup()`` if needed, then ``epochs`` epochs."""
        if self.chain.height == 0:
            self.setup()
        for _ in range(epochs):
            self.step()
        return self

    # ------------------------------------------------------------ reading
    def earnings(self) -> np.ndarray:
        """Tokens paid to each uid per epoch, ``[epochs, uids]`` (int64)."""
        return np.array(self.history["emission"], dtype=np.int64)

    def balances(self) -> dict[str, int]:
        """Each neuron's hotkey balance (where its emission is paid)."""
        st = self.chain.state
        return {
            n: st.balance(k.public_key.address)
            for n, k in zip(self.names, self.hotkeys, strict=True)
        }
