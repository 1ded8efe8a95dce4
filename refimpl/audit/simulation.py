"""The machinery behind ``make_scenario``: keys, a plan of actions, mining.

:class:`Sim` keeps the keys (fixed per seed), a plan of actions per block height,
the nonces handed out in the block being built, and mines every block for real
(signed transactions, proof of work at easy bits), on any branch it likes: that is
how the double spend's two competing blocks are made. Introduced in lesson 14.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache

from refimpl.chain import Chain, ChainParams, Transaction, encode_payload
from refimpl.crypto import PrivateKey
from refimpl.market.subnet import Subnet, SubnetParams
from refimpl.nft.onchain import NFTExtension

from .errors import AuditError

__all__ = [
    "NORMAL",
    "KINDS",
    "ATTACKS",
    "TEMPO",
    "Action",
    "Sim",
    "scenario_params",
    "subnet_tx",
]

NORMAL = "normal"
KINDS = ("account", "validator", "token")
#: the attack types each kind of entity can carry (besides "normal")
ATTACKS = {
    "account": ("double_spend", "sybil", "dusting", "wash_trade"),
    "validator": ("copier",),
    "token": ("wash_trade",),
}
TEMPO = 5


def scenario_params() -> ChainParams:
    """The chain the scenarios run on: instant mining, no retarget in a run."""
    return ChainParams(chain_id=14, genesis_bits=0x207FFFFF, retarget_interval=10_000)


@lru_cache(maxsize=4096)
def _key(secret: int) -> PrivateKey:
    key = PrivateKey(secret)
    _ = key.public_key.address  # derive once (about 1.4 ms)
    return key


_SIGNED: dict[tuple[int, bytes], Transaction] = {}


def _sign(key: PrivateKey, tx: Transaction) -> Transaction:
    """Sign once per (key, txid): rebuilding a scenario re-uses its signatures."""
    k = (key.secret, tx.txid())
    signed = _SIGNED.get(k)
    if signed is None:
        if len(_SIGNED) > 200_000:
            _SIGNED.clear()
        signed = _SIGNED[k] = tx.sign(key)
    return signed


Action = Callable[[], list[Transaction]]


class Sim:
    """The simulation's bookkeeping: keys, a plan of actions per height, mining."""

    def __init__(self, seed: int, epochs: int, copier_noise: float) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.epochs = epochs
        self.copier_noise = copier_noise
        self.copier_mode = "previous"
        self.noise_rng = random.Random(seed * 7919 + 1)
        self.last = TEMPO * (epochs + 1)  # the block of the last epoch
        self.roles: dict[str, str] = {}
        self.labels: dict[str, dict[str, str]] = {k: {} for k in KINDS}
        self.log: list[str] = []
        self.plan: dict[int, list[Action]] = defaultdict(list)
        self.pending: dict[str, int] = defaultdict(int)
        self.keys: list[PrivateKey] = []
        self.forks: dict[int, tuple[PrivateKey, PrivateKey, int]] = {}
        self.stash: PrivateKey | None = None  # where the double spender sends it back
        self._next_key = 0
        self._next_token = 0
        self.params = scenario_params()

    # -- keys and transactions ---------------------------------------------------
    def key(self, role: str) -> PrivateKey:
        self._next_key += 1
        secret = 0xA0D17 * 1_000_003 + self.seed * 10_007 + self._next_key
        k = _key(secret)
        self.roles[k.public_key.address] = role
        self.keys.append(k)
        return k

    def addr(self, key: PrivateKey) -> str:
        return key.public_key.address

    def tx(
        self,
        key: PrivateKey,
        kind: str = "transfer",
        recipient: str = "",
        amount: int = 0,
        payload: dict | None = None,
        fee: int | None = None,
    ) -> Transaction:
        a = self.addr(key)
        nonce = self.state().nonce(a) + self.pending[a]
        self.pending[a] += 1
        fee = self.rng.randint(1, 10) if fee is None else fee
        raw = Transaction(
            key.public_key.to_bytes(compressed=True),
            recipient,
            amount,
            fee,
            nonce,
            self.params.chain_id,
            kind,
            encode_payload(payload) if payload is not None else b"",
        )
        return _sign(key, raw)

    def at(self, height: int, action: Action) -> None:
        if not 2 <= height <= self.last:
            raise AuditError(f"action planned at height {height} outside the run")
        self.plan[height].append(action)

    def new_token(self) -> int:
        self._next_token += 1
        return self._next_token

    # -- chain -------------------------------------------------------------------
    def build_chain(self, alloc: dict[str, int]) -> None:
        self.owner = self.key("subnet_owner")
        self.pools = [self.key(f"pool{i}") for i in range(3)]
        self.subnet = Subnet(
            SubnetParams(
                owner=self.addr(self.owner),
                max_uids=40,
                max_validators=8,
                tempo=TEMPO,
                weights_rate_limit=TEMPO,
                immunity_period=1000,
            )
        )
        self.nft = NFTExtension()
        start = self.params.genesis_timestamp
        self.chain = Chain(
            self.params,
            [self.subnet, self.nft],
            alloc,
            clock=lambda: start + 10**6,
        )
        self.subnet.attach(self.chain)
        self.head = self.chain.genesis.hash()

    def state(self):  # noqa: ANN201 - the State at our head
        return self.chain.entry(self.head).state

    def mine_on(self, parent: bytes, txs: list[Transaction], miner: str) -> bytes:
        """Mine a block on ``parent`` (any branch) and add it to the chain."""
        return self.chain.mine_block(txs, miner, parent=parent).hash()

    def run_actions(self, height: int) -> list[Transaction]:
        txs: list[Transaction] = []
        for action in self.plan.pop(height, []):
            txs.extend(action())
        return txs

    def step(self) -> None:
        height = self.chain.entry(self.head).height + 1
        if height in self.forks:
            _fork(self, height)
            return
        txs = self.run_actions(height)
        self.head = self.mine_on(self.head, txs, self.addr(self.rng.choice(self.pools)))
        self.pending.clear()

    def run(self) -> None:
        while self.chain.entry(self.head).height < self.last:
            self.step()
        assert self.chain.tip.hash() == self.head


# -- the actors ----------------------------------------------------------------------


def _fork(sim: Sim, height: int) -> None:
    """Two peers each mine a block at ``height``: peer A's holds the payment to the
    merchant, peer B's the conflicting payment back (same nonce) plus everyone
    else's transactions; peer B's next block wins the race, the node reorgs."""
    attacker, merchant, amount = sim.forks.pop(height)
    parent = sim.head
    pay = sim.tx(attacker, "transfer", sim.addr(merchant), amount, fee=5)
    sim.pending.clear()
    stash = sim.addr(sim.stash) if sim.stash else sim.addr(attacker)
    back = sim.tx(attacker, "transfer", stash, amount, fee=5)
    rest = sim.run_actions(height)
    a = sim.mine_on(parent, [pay], sim.addr(sim.pools[0]))
    b = sim.mine_on(parent, [back, *rest], sim.addr(sim.pools[1]))
    sim.pending.clear()
    sim.head = b
    nxt = sim.run_actions(height + 1)
    sim.head = sim.mine_on(b, nxt, sim.addr(sim.pools[1]))
    sim.pending.clear()
    assert sim.chain.tip.hash() == sim.head and a != b
    sim.log.append(
        f"double spend: {amount} paid to the merchant at height {height} on one "
        f"branch, sent back on the other; reorg at height {height + 1}"
    )


def subnet_tx(
    sim: Sim, key: PrivateKey, kind: str, payload: dict, amount: int = 0
) -> Transaction:
    return sim.tx(key, kind, "", amount, {"netuid": 1, **payload})
