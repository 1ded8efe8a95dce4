"""Labelled scenarios: normal users and five attacks, played out on a real chain.

``make_scenario(seed)`` builds a fresh :class:`~refimpl.chain.Chain` with a subnet
(:class:`~refimpl.market.subnet.Subnet`) and an NFT market
(:class:`~refimpl.nft.onchain.NFTExtension`) and mines about 36 blocks of real,
signed transactions:

* **normal users**: payments, a payroll, small tips, staking on validators, NFT
  mints, primary sales and resales (some by quick flippers), honest miners and
  validators that evaluate the miners every epoch;
* **double spend**: an attacker pays a merchant through one peer while a
  conflicting payment (same nonce) back to himself goes to another peer; both
  peers mine a block at the same height, the second branch grows first, and the
  merchant's payment disappears in the reorg (the auditor's node keeps both);
* **sybil burst**: one coldkey (or two or three working together) registers a
  burst of hotkeys that never serve anyone;
* **weight copier**: a validator that never evaluates and sets, each epoch, the
  consensus it read from the chain at the previous epoch (``copier_noise`` > 0
  makes it an *adaptive* copier that blurs the copy with noise, and
  ``copier_mode="fresh"`` one that copies this round's weights instead);
* **wash trading**: a ring of 2-4 colluding accounts passes a token around at
  rising prices, fast;
* **dusting**: one account sends tiny amounts to many addresses.

Labels come from the simulation (who was told to attack), never from a model. Every
random choice comes from ``random.Random(seed)``; signatures are deterministic
(RFC 6979), so a seed always gives the same blocks. Introduced in lesson 14.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from refimpl.chain import Chain, ChainParams, Transaction, encode_payload
from refimpl.chain.block import block_from_parts, make_coinbase
from refimpl.chain.pow import mine
from refimpl.crypto import PrivateKey
from refimpl.market.subnet import Subnet, SubnetParams
from refimpl.market.weights import weights_to_u16
from refimpl.nft import cid_v1
from refimpl.nft.onchain import NFTExtension

from .errors import AuditError

__all__ = [
    "ATTACKS",
    "KINDS",
    "NORMAL",
    "Scenario",
    "make_scenario",
    "scenario_params",
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


@dataclass
class Scenario:
    """One simulated run: the chain, its extensions and the true labels.

    ``labels[kind]`` maps an entity id (an address, or ``"#7"`` for token 7) to its
    attack type; entities not listed are normal. ``roles`` names every address the
    simulation used (``"user03"``, ``"duster"``, ...) and ``log`` says what the
    attackers did, in the simulation's words. Introduced in lesson 14.
    """

    seed: int
    chain: Chain
    subnet: Subnet
    nft: NFTExtension
    labels: dict[str, dict[str, str]]
    roles: dict[str, str]
    log: list[str] = field(default_factory=list)

    def label(self, kind: str, entity: str) -> str:
        """The true label of one entity (``"normal"`` unless it attacked)."""
        return self.labels.get(kind, {}).get(entity, NORMAL)

    def attackers(self, kind: str) -> dict[str, str]:
        """Entity id -> attack type, for one kind."""
        return dict(self.labels.get(kind, {}))


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


class _Sim:
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
        chain = self.chain
        entry = chain.entry(parent)
        height = entry.height + 1
        cb = make_coinbase(
            miner,
            chain.params.subsidy_at(height) + sum(t.fee for t in txs),
            height,
            chain.params.chain_id,
        )
        ts = max(
            chain.median_time_past(entry) + 1,
            entry.block.header.timestamp + chain.params.target_spacing,
        )
        block = block_from_parts(
            parent, [cb, *txs], ts, chain.next_bits(entry), chain.params.block_version
        )
        header = mine(block.header)
        assert header is not None  # easy bits: about two tries
        block = block.with_header(header)
        chain.add_block(block, allow_orphan=False)
        return block.hash()

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
def _payments(sim: _Sim, users: list[PrivateKey], shop: PrivateKey) -> None:
    everyone = [*users, shop]
    for _ in range(sim.rng.randint(24, 34)):
        payer = sim.rng.choice(users)
        payee = sim.rng.choice([u for u in everyone if u is not payer])
        amount = int(math.exp(sim.rng.uniform(math.log(150), math.log(6000))))
        h = sim.rng.randint(3, sim.last)
        sim.at(
            h,
            lambda p=payer, q=payee, a=amount: [sim.tx(p, "transfer", sim.addr(q), a)],
        )


def _payroll(sim: _Sim, employer: PrivateKey, users: list[PrivateKey]) -> None:
    staff = sim.rng.sample(users, sim.rng.randint(7, 12))
    h = sim.rng.randint(4, sim.last - 1)

    def pay() -> list[Transaction]:
        return [
            sim.tx(employer, "transfer", sim.addr(u), sim.rng.randint(1000, 5000))
            for u in staff
        ]

    sim.at(h, pay)


def _tips(sim: _Sim, tipper: PrivateKey, users: list[PrivateKey]) -> None:
    """An honest fan tipping artists and friends small amounts: not dust."""
    for u in sim.rng.sample(users, sim.rng.randint(6, 12)):
        h = sim.rng.randint(3, sim.last)
        a = sim.rng.randint(25, 120)
        sim.at(h, lambda u=u, a=a: [sim.tx(tipper, "transfer", sim.addr(u), a)])


def _dusting(sim: _Sim, duster: PrivateKey, targets: list[str]) -> None:
    victims = sim.rng.sample(targets, sim.rng.randint(12, 22))
    h = sim.rng.randint(4, sim.last - 2)
    split = sim.rng.randint(len(victims) // 2, len(victims))
    for part, height in ((victims[:split], h), (victims[split:], h + 1)):
        if part:
            sim.at(
                height,
                lambda part=part: [
                    sim.tx(duster, "transfer", v, sim.rng.randint(1, 15), fee=1)
                    for v in part
                ],
            )
    sim.labels["account"][sim.addr(duster)] = "dusting"
    sim.log.append(f"dusting: {len(victims)} tiny payments at heights {h}-{h + 1}")


def _nft_mint(sim: _Sim, owner: PrivateKey, tid: int, bps: int) -> Action:
    image = cid_v1(f"scenario {sim.seed} artwork {tid}".encode())
    meta = cid_v1(f"scenario {sim.seed} metadata {tid}".encode())
    payload = {
        "token_id": tid,
        "image_cid": image,
        "metadata_cid": meta,
        "royalty_bps": bps,
    }
    return lambda: [sim.tx(owner, "nft_mint", "", 0, payload)]


def _nft_sale(
    sim: _Sim,
    seller: PrivateKey,
    buyer: PrivateKey,
    tid: int,
    price: int,
    h: int,
    gap: int,
) -> int:
    """List at height ``h``, buy at ``h + gap``; return the buy's height."""
    sim.at(
        h,
        lambda: [sim.tx(seller, "nft_list", "", 0, {"token_id": tid, "price": price})],
    )
    sim.at(h + gap, lambda: [sim.tx(buyer, "nft_buy", "", price, {"token_id": tid})])
    return h + gap


def _art_market(
    sim: _Sim,
    artists: list[PrivateKey],
    collectors: list[PrivateKey],
    flippers: list[PrivateKey],
) -> None:
    rng = sim.rng
    for _ in range(rng.randint(7, 10)):
        artist = rng.choice(artists)
        tid = sim.new_token()
        h = rng.randint(3, 14)
        sim.at(h, _nft_mint(sim, artist, tid, rng.choice([250, 500, 750, 1000])))
        if rng.random() < 0.15:
            continue  # never sold
        owner, price = artist, rng.randint(500, 4000)
        t = h + 1
        buyer = rng.choice(collectors + flippers)
        t = _nft_sale(sim, owner, buyer, tid, price, t, rng.randint(1, 6))
        owner = buyer
        for _ in range(3):
            flip = owner in flippers
            if not flip and rng.random() > 0.45:
                break
            gap_list = rng.randint(1, 3) if flip else rng.randint(2, 8)
            gap_buy = rng.randint(1, 3) if flip else rng.randint(1, 6)
            if t + gap_list + gap_buy > sim.last:
                break
            factor = rng.uniform(1.15, 1.6) if flip else rng.uniform(0.6, 1.7)
            price = max(100, int(price * factor))
            buyer = rng.choice([c for c in collectors if c is not owner])
            t = _nft_sale(sim, owner, buyer, tid, price, t + gap_list, gap_buy)
            owner = buyer


def _wash_ring(sim: _Sim, ring: list[PrivateKey]) -> None:
    rng = sim.rng
    for _ in range(rng.choice([1, 1, 2])):
        tid = sim.new_token()
        sales = rng.randint(3, 6)
        span = 2 * sales + 2
        h = rng.randint(3, sim.last - span)
        sim.at(h, _nft_mint(sim, ring[0], tid, rng.choice([0, 250, 500])))
        price, t, heights = rng.randint(800, 3000), h + 1, []
        for i in range(sales):
            seller, buyer = ring[i % len(ring)], ring[(i + 1) % len(ring)]
            t = _nft_sale(sim, seller, buyer, tid, price, t, rng.randint(1, 2))
            heights.append(t)
            price = int(price * rng.uniform(1.1, 1.5))
            t += 1 if rng.random() < 0.7 else 0
        sim.labels["token"][f"#{tid}"] = "wash_trade"
        sim.log.append(
            f"wash trading: token #{tid} sold {sales} times around a ring of "
            f"{len(ring)}, heights {heights[0]}-{heights[-1]}"
        )
    for k in ring:
        sim.labels["account"][sim.addr(k)] = "wash_trade"


def _sybil(sim: _Sim, coldkeys: list[PrivateKey]) -> None:
    rng = sim.rng
    h = rng.choice([h for h in range(4, sim.last - 1) if h % TEMPO not in (0, 1)])
    if rng.random() < 0.5:
        colds = coldkeys[:1]
        counts = [rng.randint(5, 8)]
    else:
        colds = coldkeys[: rng.randint(2, 3)]
        counts = [rng.randint(2, 3) for _ in colds]
    for cold, count in zip(colds, counts, strict=True):
        hots = [sim.key("sybil_hotkey") for _ in range(count)]
        sim.at(
            h,
            lambda c=cold, hs=hots: [
                _subnet_tx(sim, c, "register", {"hotkey": sim.addr(k)}) for k in hs
            ],
        )
        sim.labels["account"][sim.addr(cold)] = "sybil"
    sim.log.append(
        f"sybil burst: {sum(counts)} hotkeys from {len(colds)} coldkey(s) at height {h}"
    )


def _double_spend(sim: _Sim, attacker: PrivateKey, merchant: PrivateKey) -> None:
    rng = sim.rng
    h = rng.choice([h for h in range(6, sim.last - 2) if h % TEMPO in (2, 3)])
    sim.forks[h] = (attacker, merchant, rng.randint(8000, 20000))
    sim.labels["account"][sim.addr(attacker)] = "double_spend"


def _fork(sim: _Sim, height: int) -> None:
    """Two peers each mine a block at ``height``: peer A's holds the payment to the
    merchant, peer B's the conflicting payment back (same nonce) plus everyone
    else's transactions; peer B's next block wins the race, the node reorgs."""
    attacker, merchant, amount = sim.forks.pop(height)
    parent = sim.head
    pay = sim.tx(attacker, "transfer", sim.addr(merchant), amount, fee=5)
    sim.pending.clear()
    back = sim.tx(attacker, "transfer", sim.addr(sim.stash), amount, fee=5)
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


def _subnet_tx(
    sim: _Sim, key: PrivateKey, kind: str, payload: dict, amount: int = 0
) -> Transaction:
    return sim.tx(key, kind, "", amount, {"netuid": 1, **payload})


class _Market:
    """Miners with drifting quality; honest validators that measure it; a copier."""

    def __init__(self, sim: _Sim) -> None:
        self.sim = sim
        rng = sim.rng
        self.miner_cold = [sim.key(f"miner_cold{i}") for i in range(8)]
        self.miner_hot = [sim.key(f"miner{i}") for i in range(9)]
        self.miner_cold.append(self.miner_cold[0])  # operator 0 runs two miners
        self.val_cold = [sim.key(f"validator_cold{i}") for i in range(6)]
        self.val_hot = [sim.key(f"validator{i}") for i in range(6)]
        self.copier = rng.randrange(6)
        self.quality = {i: rng.uniform(0.1, 1.0) for i in range(9)}
        self.late = (sim.key("miner_cold_late"), sim.key("miner_late"))

    def plan(self, stakers: list[PrivateKey]) -> None:
        sim, rng = self.sim, self.sim.rng
        regs: dict[int, list[tuple[PrivateKey, PrivateKey]]] = defaultdict(list)
        for c, k in zip(self.val_cold, self.val_hot, strict=True):
            regs[2].append((c, k))
        for i, (c, k) in enumerate(zip(self.miner_cold, self.miner_hot, strict=True)):
            regs[2 + (i % 3 == 2)].append((c, k))
        late_c, late_k = self.late
        regs[rng.choice([8, 9, 12, 13, 14])].append((late_c, late_k))
        self.quality[9] = rng.uniform(0.1, 1.0)
        for h, pairs in regs.items():
            sim.at(
                h,
                lambda pairs=pairs: [
                    _subnet_tx(sim, c, "register", {"hotkey": sim.addr(k)})
                    for c, k in pairs
                ],
            )
        for c, k in zip(self.val_cold, self.val_hot, strict=True):
            amount = rng.randint(20_000, 60_000)
            sim.at(
                3,
                lambda c=c, k=k, a=amount: [
                    _subnet_tx(sim, c, "stake", {"hotkey": sim.addr(k)}, a)
                ],
            )
        for s in stakers:
            v = rng.choice([i for i in range(6) if i != self.copier])
            h = rng.randint(3, sim.last)
            a = rng.randint(500, 5000)
            sim.at(
                h,
                lambda s=s, v=v, a=a: [
                    _subnet_tx(
                        sim, s, "stake", {"hotkey": sim.addr(self.val_hot[v])}, a
                    )
                ],
            )
        for r in range(1, sim.epochs + 1):
            sim.at(TEMPO * r + 1, self.weights)
            if sim.copier_mode == "fresh":
                sim.at(TEMPO * r + 2, self.fresh_copy)
        copier = sim.addr(self.val_hot[self.copier])
        sim.labels["validator"][copier] = "copier"
        what = {
            "previous": "copies the last epoch's consensus",
            "fresh": "copies this round's weights, one block after the others",
        }[sim.copier_mode]
        noise = f" (noise {sim.copier_noise})" if sim.copier_noise else ""
        sim.log.append(f"copier: validator{self.copier} {what}{noise}")

    def _copier_tx(self, uids: list[int], vals: np.ndarray) -> Transaction:
        sim = self.sim
        if sim.copier_noise:  # its own random stream: the rest of the run is unchanged
            vals = vals * np.exp(
                [sim.noise_rng.gauss(0, sim.copier_noise) for _ in uids]
            )
        u16_uids, u16 = weights_to_u16(uids, vals)
        return _subnet_tx(
            sim,
            self.val_hot[self.copier],
            "set_weights",
            {"uids": u16_uids, "weights": u16},
        )

    def weights(self) -> list[Transaction]:
        sim, rng = self.sim, self.sim.rng
        ns = sim.state().ext["subnet"]
        for i in self.quality:  # the miners' quality drifts every round
            self.quality[i] = min(1.5, max(0.05, self.quality[i] + rng.gauss(0, 0.3)))
        hot = [*self.miner_hot, self.late[1]]
        miners = [
            (ns["hotkeys"].index(sim.addr(k)), i)
            for i, k in enumerate(hot)
            if sim.addr(k) in ns["hotkeys"]
        ]
        txs = []
        for v, key in enumerate(self.val_hot):
            if v == self.copier:
                if sim.copier_mode != "previous":
                    continue
                me = ns["hotkeys"].index(sim.addr(key))
                seen = [
                    (u, c) for u, c in enumerate(ns["consensus"]) if c > 0 and u != me
                ]
                if seen:  # nothing to copy before the first consensus
                    txs.append(
                        self._copier_tx(
                            [u for u, _ in seen], np.array([c for _, c in seen])
                        )
                    )
                continue
            uids = [u for u, _ in miners]
            vals = np.array(
                [max(0.01, self.quality[i] + rng.gauss(0, 0.08)) for _, i in miners]
            )
            u16_uids, u16 = weights_to_u16(uids, vals)
            txs.append(
                _subnet_tx(sim, key, "set_weights", {"uids": u16_uids, "weights": u16})
            )
        return txs

    def fresh_copy(self) -> list[Transaction]:
        """The stake-weighted mean of the rows the others set one block ago."""
        sim = self.sim
        ns = sim.state().ext["subnet"]
        me = ns["hotkeys"].index(sim.addr(self.val_hot[self.copier]))
        height = sim.chain.entry(sim.head).height
        total: dict[int, float] = defaultdict(float)
        for v, hk in enumerate(ns["hotkeys"]):
            if v == me or ns["weights_block"][v] != height:
                continue
            stake = sum(ns["stakes"].get(hk, {}).values())
            row = ns["weights"][v]
            norm = sum(w for _, w in row)
            for u, w in row:
                total[u] += stake * w / norm
        if not total:
            return []
        uids = sorted(total)
        return [self._copier_tx(uids, np.array([total[u] for u in uids]))]


def make_scenario(
    seed: int,
    *,
    epochs: int = 6,
    copier_noise: float = 0.0,
    copier_mode: str = "previous",
) -> Scenario:
    """Simulate one labelled run on a fresh chain (see the module docstring).

    ``epochs`` weight rounds are played (blocks: ``5 * (epochs + 1)`` plus one for
    the double spend's stale branch). ``copier_noise`` > 0 turns the copier into an
    adaptive one that multiplies each copied weight by ``exp(N(0, noise))`` (drawn
    from a stream of its own, so nothing else in the run changes);
    ``copier_mode="fresh"`` makes it copy, one block later, the weights the honest
    validators have just set (the attack commit-reveal exists for; the plan of the
    run is the same, though later fees differ). Introduced in lesson 14.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise AuditError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(epochs, int) or not 3 <= epochs <= 20:
        raise AuditError(f"epochs must be an int in 3..20, got {epochs!r}")
    if not 0.0 <= float(copier_noise) <= 5.0:
        raise AuditError(f"copier_noise must be in [0, 5], got {copier_noise!r}")
    if copier_mode not in ("previous", "fresh"):
        raise AuditError(
            f"copier_mode must be 'previous' or 'fresh', not {copier_mode!r}"
        )
    sim = _Sim(seed, epochs, float(copier_noise))
    sim.copier_mode = copier_mode
    rng = sim.rng
    users = [sim.key(f"user{i:02d}") for i in range(16)]
    artists = [sim.key(f"artist{i}") for i in range(3)]
    flippers = [sim.key(f"flipper{i}") for i in range(rng.randint(1, 2))]
    shop, employer, tipper = sim.key("shop"), sim.key("employer"), sim.key("tipper")
    duster, attacker = sim.key("duster"), sim.key("double_spender")
    sim.stash = sim.key("double_spender_stash")
    ring = [sim.key(f"wash{i}") for i in range(rng.randint(2, 4))]
    sybils = [sim.key(f"sybil{i}") for i in range(3)]
    market = _Market(sim)
    alloc = {sim.addr(k): 1_000_000 for k in sim.keys}
    sim.build_chain(alloc)
    market.plan(stakers=rng.sample(users, 5))
    _payments(sim, users, shop)
    _payroll(sim, employer, users)
    _tips(sim, tipper, users + artists)
    _art_market(sim, artists, users[:10], flippers)
    _wash_ring(sim, ring)
    _sybil(sim, sybils)
    targets = [sim.addr(k) for k in users + artists + market.miner_cold[:8]]
    _dusting(sim, duster, targets)
    _double_spend(sim, attacker, users[rng.randrange(16)])
    sim.run()
    return Scenario(
        seed=seed,
        chain=sim.chain,
        subnet=sim.subnet,
        nft=sim.nft,
        labels=sim.labels,
        roles=dict(sim.roles),
        log=sim.log,
    )
