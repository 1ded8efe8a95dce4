"""The subnet on chain: registration, stake, weights, epochs and emission.

A :class:`Subnet` is a chain :class:`~refimpl.chain.extension.Extension` (the part a
Substrate pallet plays in subtensor) that owns five transaction kinds:

``register``   signed by a **coldkey**; ``payload {"netuid", "hotkey"}``; ``amount``
               must equal the burn (``burned_register``; burned tokens leave the
               supply). The hotkey gets the next free uid; when the subnet is full,
               the non-immune neuron with the lowest emission is deregistered
               (ties: earliest registration, then lower uid) and its uid reused;
               when every neuron is immune, the immune one chosen by the same rule
               goes (a simplified ``get_neuron_to_prune`` of subtensor, which also
               exempts the subnet owner's hotkeys and keeps a minimum of non-immune
               uids).
``stake``      signed by a coldkey; ``amount`` moves from its balance to its stake on
               ``payload {"netuid", "hotkey"}`` (``add_stake``).
``unstake``    signed by a coldkey; ``payload {"netuid", "hotkey", "amount"}``
               moves stake back to the balance; ``tx.amount`` must be 0.
``set_weights`` signed by a **hotkey** with a validator permit; ``payload {"netuid",
               "uids", "weights"}`` with u16 weights (``weights_to_u16``).
               Rules as subtensor's ``do_set_weights``: lengths match, known uids, no
               duplicates, no self-weight, integers in 0..65535, not all zero, at
               least ``weights_rate_limit`` blocks since the hotkey's last weights.

Every ``tempo`` blocks ``end_block`` runs one Yuma Consensus epoch
(:func:`refimpl.market.yuma.epoch_fused`, lesson 08's ``epoch`` with
its bond steps fused) and mints ``emission_per_block * blocks`` new
tokens into balances (subtensor ``run_coinbase.rs``): 18% to the subnet owner,
then half of the rest to miners by incentive and half to validators by dividends
(41/41/18); if no weights count, validators get both halves by stake; with no stake
at all, the owner gets everything. Each pool is split into whole tokens by the
largest-remainder rule (floors first; leftover units one each to the largest
fractional parts, ties to the lower uid), so every minted unit lands somewhere and
``state.supply == sum(balances) + sum(stakes)`` after every block.

Emission is paid to the neuron's **hotkey** balance. Validator permits are the top
``max_validators`` non-zero stakes at the end of each epoch (used until the next:
no permits exist before the first epoch). Deregistering a neuron returns its
stake to the coldkeys that staked it. Introduced in lesson 06 (register, stake),
07 (set_weights) and 09 (epochs and emission).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from refimpl import boundedjson
from refimpl.chain.errors import InvalidTransaction
from refimpl.chain.extension import Extension
from refimpl.chain.state import BlockContext, State
from refimpl.chain.transaction import (
    MAX_AMOUNT,
    Transaction,
    decode_payload,
    encode_payload,
)
from refimpl.crypto import is_valid_address
from refimpl.market.errors import InvalidParams, InvalidWeights
from refimpl.market.inputs import is_int, unit
from refimpl.market.subnet_state import Metagraph, Neuron, SubnetState
from refimpl.market.weights import U16_MAX
from refimpl.market.yuma import epoch_fused, quantize_bonds

__all__ = [
    "SubnetParams",
    "Subnet",
    "PAYLOAD_FIELDS",
    "check_payload",
    "Metagraph",
    "Neuron",
    "SubnetState",
    "split_tokens",
    "total_stake",
    "KINDS",
]

KINDS = ("register", "stake", "unstake", "set_weights")


@dataclass(frozen=True)
class SubnetParams:
    """Hyperparameters of one subnet (subtensor names; course-sized defaults)."""

    netuid: int = 1
    owner: str = ""  # subnet owner's address: receives the 18% owner cut
    max_uids: int = 16  # MaxAllowedUids (chain: 256)
    max_validators: int = 4  # MaxAllowedValidators: permits for the top-k stake
    immunity_period: int = 20  # ImmunityPeriod in blocks (chain: 4096)
    tempo: int = 10  # blocks between epochs (chain: 360)
    emission_per_block: int = 1000  # new tokens per block, paid at each epoch
    weights_rate_limit: int = 5  # WeightsSetRateLimit in blocks (chain: 100)
    activity_cutoff: int = 1000  # blocks a validator stays active (chain: 5000)
    burn: int = 0  # tokens burned to register (Burn)
    kappa: float = 0.5  # consensus majority (chain: 32767/65535)
    bonds_alpha: float = 0.1  # 1 - BondsMovingAverage/1e6
    bonds_penalty: float = 1.0  # BondsPenalty/65535
    owner_cut_percent: int = 18  # SubnetOwnerCut (11796/65535 = 18%)

    def __post_init__(self) -> None:
        """Refuse parameters a subnet cannot run with (InvalidParams, the field)."""
        for name, low, high in _INT_PARAMS:
            value = getattr(self, name)
            if not is_int(value):
                raise InvalidParams(
                    f"{name} must be an int, got {type(value).__name__} {value!r}"
                )
            if value < low or (high is not None and value > high):
                top = "" if high is None else f"..{high}"
                raise InvalidParams(f"{name} must be in {low}{top}, got {value}")
            object.__setattr__(self, name, int(value))  # numpy ints: plain ints
        for name in ("kappa", "bonds_alpha", "bonds_penalty"):
            try:
                object.__setattr__(self, name, unit(name, getattr(self, name)))
            except InvalidWeights as e:
                raise InvalidParams(str(e)) from None
        if not isinstance(self.owner, str) or (
            self.owner and not is_valid_address(self.owner)
        ):
            raise InvalidParams(f"owner {self.owner!r} is not an address (or '')")


#: (field, lowest, highest or None) of every integer parameter.
_INT_PARAMS = (
    ("netuid", 0, U16_MAX),
    ("max_uids", 1, U16_MAX),
    ("max_validators", 0, U16_MAX),
    ("immunity_period", 0, None),
    ("tempo", 1, U16_MAX),
    ("emission_per_block", 0, MAX_AMOUNT),
    ("weights_rate_limit", 0, None),
    ("activity_cutoff", 0, None),
    ("burn", 0, MAX_AMOUNT),
    ("owner_cut_percent", 0, 100),
)

#: Each kind's payload: field -> its JSON type (exactly; an int is not a float
#: and a bool is not an int).
PAYLOAD_FIELDS: dict[str, dict[str, type]] = {
    "register": {"netuid": int, "hotkey": str},
    "stake": {"netuid": int, "hotkey": str},
    "unstake": {"netuid": int, "hotkey": str, "amount": int},
    "set_weights": {"netuid": int, "uids": list, "weights": list},
}


def _exact_shares(shares: object) -> list[int]:
    """``shares`` as integers on one common scale (exact: a float is a dyadic
    rational), or InvalidWeights with the reason."""
    if isinstance(shares, (str, bytes, dict)) or not hasattr(shares, "__iter__"):
        raise InvalidWeights(f"shares must be a list of numbers, got {shares!r}")
    if isinstance(shares, np.ndarray) and shares.ndim != 1:
        raise InvalidWeights(f"shares must be 1-D, got shape {shares.shape}")
    ratios: list[tuple[int, int]] = []
    for i, x in enumerate(shares):
        if isinstance(x, (bool, np.bool_)):
            raise InvalidWeights(f"shares[{i}] is a bool, not a number")
        if isinstance(x, (int, np.integer)):
            ratios.append((int(x), 1))
        elif isinstance(x, (float, np.floating)):
            if not math.isfinite(x):
                raise InvalidWeights(f"shares[{i}] is not finite ({x})")
            ratios.append(float(x).as_integer_ratio())
        elif isinstance(x, Fraction):
            ratios.append((x.numerator, x.denominator))
        else:
            raise InvalidWeights(f"shares[{i}] is not a number ({x!r})")
        if ratios[-1][0] < 0:
            raise InvalidWeights(f"shares[{i}] is negative ({x})")
    if not ratios:
        raise InvalidWeights("shares is empty")
    scale = math.lcm(*(d for _, d in ratios))
    ints = [n * (scale // d) for n, d in ratios]
    if not any(ints):
        raise InvalidWeights("shares are all zero")
    return ints


def split_tokens(pool: int, shares: object) -> list[int]:
    """Split ``pool`` whole tokens in proportion to ``shares`` (largest remainder).

    Each entry gets ``floor(pool * share / sum)``; the leftover units go one each to
    the largest fractional parts, ties to the lower index. The result always sums to
    ``pool`` (or is all zero when ``pool`` is 0). Exact integer arithmetic (each
    float share is taken as the exact rational it stores), so ties are real ties
    and the time does not depend on ``pool``. ``pool`` must be an int in
    0..MAX_AMOUNT; shares ints, floats or Fractions, finite, non-negative, not all
    zero; anything else raises :class:`~refimpl.market.errors.InvalidWeights` (a
    ``ValueError``). Introduced in lesson 09.
    """
    if not isinstance(pool, (int, np.integer)) or isinstance(pool, (bool, np.bool_)):
        raise InvalidWeights(f"pool must be an int, got {pool!r}")
    pool = int(pool)
    if not 0 <= pool <= MAX_AMOUNT:
        raise InvalidWeights(f"pool {pool} is outside 0..{MAX_AMOUNT}")
    ints = _exact_shares(shares)
    total = sum(ints)
    base = [pool * a // total for a in ints]
    rest = [pool * a % total for a in ints]  # fractional part, times total
    left = pool - sum(base)  # < len(ints): each floor loses less than one unit
    for i in sorted(range(len(ints)), key=lambda i: (-rest[i], i))[:left]:
        base[i] += 1
    return base


def total_stake(state: State, name: str = "subnet") -> int:
    """Every token staked on the subnet (for the supply check)."""
    ns = state.ext.get(name)
    return ns.total_stake() if isinstance(ns, SubnetState) else 0


def _parse_payload(tx: Transaction) -> dict:
    """Canonical JSON payload, with a clear reason for NaN/inf numbers."""

    bad: list[str] = []

    def constant(name: str) -> float:
        bad.append(name)
        return 0.0

    try:
        boundedjson.loads(bytes(tx.payload), parse_constant=constant)
    except (UnicodeDecodeError, ValueError):
        pass  # decode_payload gives the reason
    if bad:
        what = "NaN" if bad[0] == "NaN" else "infinite"
        raise InvalidTransaction(f"payload holds a {what} number ({bad[0]})")
    return decode_payload(tx.payload)


def _type_name(x: object) -> str:
    return "null" if x is None else type(x).__name__


def check_payload(kind: str, payload: object, params: SubnetParams) -> dict:
    """Type-check a decoded subnet payload: exact fields of exact JSON types, and
    the rules that need no state (u16 weights, uids that can exist, no
    duplicates). Returns the payload; InvalidTransaction names the first problem.
    Introduced in lesson 07.
    """
    fields = PAYLOAD_FIELDS.get(kind)
    if fields is None:
        raise InvalidTransaction(f"kind {kind!r} is not a subnet transaction")
    if not isinstance(payload, dict):
        raise InvalidTransaction(
            f"{kind} payload must be a JSON object, got {_type_name(payload)}"
        )
    for key, want in fields.items():
        if key not in payload:
            raise InvalidTransaction(f"{kind} payload has no {key!r}")
        value = payload[key]
        if type(value) is not want:  # exact: bool is not int, 1.0 is not int
            raise InvalidTransaction(
                f"{key} must be {want.__name__}, got {_type_name(value)} {value!r}"
            )
    extra = sorted(set(payload) - set(fields))
    if extra:
        raise InvalidTransaction(f"{kind} payload has unknown field {extra[0]!r}")
    if payload["netuid"] != params.netuid:
        raise InvalidTransaction(
            f"netuid {payload['netuid']!r} is not this subnet ({params.netuid})"
        )
    if kind == "unstake" and payload["amount"] <= 0:
        raise InvalidTransaction(
            f"unstake amount {payload['amount']!r} must be a positive int"
        )
    if kind == "set_weights":
        _check_weight_lists(payload["uids"], payload["weights"], params.max_uids)
    return payload


def _check_weight_lists(uids: list, weights: list, max_uids: int) -> None:
    if len(uids) != len(weights):
        raise InvalidTransaction(
            f"uids and weights differ in length ({len(uids)} != {len(weights)})"
        )
    if len(uids) > max_uids:
        raise InvalidTransaction(
            f"{len(uids)} weights but the subnet has at most {max_uids} uids"
        )
    for w in weights:
        if type(w) is not int:
            raise InvalidTransaction(f"weight {w!r} is not a u16 integer")
        if w < 0:
            raise InvalidTransaction(f"weight {w} is negative")
        if w > U16_MAX:
            raise InvalidTransaction(f"weight {w} exceeds 65535")
    for u in uids:
        if type(u) is not int or not 0 <= u < max_uids:
            raise InvalidTransaction(f"uid {u!r} is not registered")
    if len(set(uids)) != len(uids):
        raise InvalidTransaction("duplicate uid in weights")


class Subnet(Extension):
    """One subnet as a chain extension (see the module docstring).

    ``Subnet(SubnetParams(owner=addr))``; pass it to ``Chain(params, [subnet])``.
    ``subnet.attach(chain)`` lets ``metagraph()`` and the ``*_tx`` builders read
    the chain's tip. Introduced in lesson 06.
    """

    name = "subnet"
    kinds = KINDS
    payload_fields = PAYLOAD_FIELDS

    def __init__(self, params: SubnetParams | None = None, name: str = "subnet"):
        if params is not None and not isinstance(params, SubnetParams):
            raise InvalidParams(f"params must be SubnetParams, got {params!r}")
        if not isinstance(name, str) or not name:
            raise InvalidParams(f"name must be a non-empty str, got {name!r}")
        self.params = params or SubnetParams()
        self.name = name
        self.chain: Any = None

    # ------------------------------------------------------------------ state
    def init_state(self) -> SubnetState:
        return SubnetState()

    def attach(self, chain: Any) -> Subnet:
        """Remember ``chain`` so ``metagraph()`` and the tx builders use its tip."""
        self.chain = chain
        return self

    def _ns(self, state: State) -> SubnetState:
        if self.name not in state.ext:
            state.ext[self.name] = self.init_state()
        return state.ext[self.name]

    # ------------------------------------------------------------- validation
    def check_payload(self, tx: Transaction) -> dict:
        """The stateless half of validation (the chain's hook, run by the mempool
        and by block connection): the exact field types of ``payload_fields``,
        then :func:`check_payload`. Returns the payload; InvalidTransaction."""
        if tx.kind not in PAYLOAD_FIELDS:
            raise InvalidTransaction(f"kind {tx.kind!r} is not a subnet transaction")
        payload = _parse_payload(tx)  # first, to name a NaN or infinite number
        super().check_payload(tx)
        return check_payload(tx.kind, payload, self.params)

    def validate_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        ns = state.ext.get(self.name) or self.init_state()
        p = self.check_payload(tx)
        sender = tx.sender_address
        if tx.kind == "register":
            self._validate_register(state, ns, tx, p, sender, ctx)
        elif tx.kind == "stake":
            self._validate_stake(state, ns, tx, p, sender)
        elif tx.kind == "unstake":
            self._validate_unstake(ns, tx, p, sender)
        else:
            self._validate_weights(ns, tx, p, sender, ctx)

    def _hotkey(self, p: dict) -> str:
        hotkey = p["hotkey"]
        if not is_valid_address(hotkey):
            raise InvalidTransaction(f"hotkey {hotkey!r} is not a valid address")
        return hotkey

    def _validate_register(self, state, ns, tx, p, sender, ctx) -> None:
        hotkey = self._hotkey(p)
        uid = ns.uid_of(hotkey)
        if uid is not None:
            raise InvalidTransaction(f"hotkey is already registered as uid {uid}")
        if tx.amount != self.params.burn:
            raise InvalidTransaction(
                f"register must burn exactly {self.params.burn} (amount {tx.amount})"
            )
        if state.balance(sender) < tx.amount + tx.fee:
            raise InvalidTransaction("coldkey balance cannot pay the burn and the fee")

    def _validate_stake(self, state, ns, tx, p, sender) -> None:
        hotkey = self._hotkey(p)
        if ns.uid_of(hotkey) is None:
            raise InvalidTransaction("hotkey is not registered on this subnet")
        if tx.amount <= 0:
            raise InvalidTransaction("stake amount must be positive")
        have = state.balance(sender)
        if tx.amount + tx.fee > have:
            raise InvalidTransaction(
                f"stake {tx.amount} + fee {tx.fee} exceeds the balance {have}"
            )

    def _validate_unstake(self, ns, tx, p, sender) -> None:
        hotkey = self._hotkey(p)
        if tx.amount != 0:
            raise InvalidTransaction(
                "unstake puts its amount in the payload (amount 0)"
            )
        amount = p["amount"]
        staked = ns.stakes.get(hotkey, {}).get(sender, 0)
        if amount > staked:
            raise InvalidTransaction(
                f"unstake {amount} exceeds the {staked} this coldkey staked on it"
            )

    def _validate_weights(self, ns, tx, p, sender, ctx) -> None:
        if tx.amount != 0:
            raise InvalidTransaction("set_weights moves no tokens (amount must be 0)")
        uid = ns.uid_of(sender)
        if uid is None:
            raise InvalidTransaction("sender hotkey is not registered on this subnet")
        neuron = ns.neurons[uid]
        uids = p["uids"]
        n = ns.n
        for u in uids:
            if u >= n:
                raise InvalidTransaction(f"uid {u!r} is not registered (n = {n})")
        if uid in uids:
            raise InvalidTransaction(f"self-weight: uid {uid} may not weight itself")
        if sum(p["weights"]) == 0:
            raise InvalidTransaction("weights are all zero")
        if not neuron.validator_permit:
            raise InvalidTransaction(f"uid {uid} has no validator permit")
        last = neuron.weights_block
        if last >= 0 and ctx.height - last < self.params.weights_rate_limit:
            raise InvalidTransaction(
                f"rate limit: weights set at block {last}, next allowed at block "
                f"{last + self.params.weights_rate_limit}"
            )

    # ----------------------------------------------------------------- apply
    def apply_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        ns = self._ns(state)
        p = decode_payload(tx.payload)
        sender = tx.sender_address
        if tx.kind == "register":
            self._register(state, ns, p["hotkey"], sender, tx.amount, ctx.height)
        elif tx.kind == "stake":
            state.balances[sender] = state.balance(sender) - tx.amount
            by_cold = ns.stakes.setdefault(p["hotkey"], {})
            by_cold[sender] = by_cold.get(sender, 0) + tx.amount
        elif tx.kind == "unstake":
            by_cold = ns.stakes[p["hotkey"]]
            by_cold[sender] -= p["amount"]
            if by_cold[sender] == 0:
                del by_cold[sender]
            if not by_cold:
                del ns.stakes[p["hotkey"]]
            state.balances[sender] = state.balance(sender) + p["amount"]
        elif tx.kind == "set_weights":
            neuron = ns.neurons[ns.uid_of(sender)]
            neuron.weights = [
                [u, w] for u, w in zip(p["uids"], p["weights"], strict=True)
            ]
            neuron.weights_block = ctx.height
            neuron.last_update = ctx.height

    def _uid_to_prune(self, ns: SubnetState, height: int) -> int:
        """A simplified subtensor ``get_neuron_to_prune``: the lowest emission past
        immunity, or, when every neuron is immune, among all; ties: earliest
        registration, lower uid. (Subtensor also exempts the owner's hotkeys and
        keeps a minimum number of non-immune uids; lesson 06 says so.)
        """
        nrs = ns.neurons
        uids = range(len(nrs))
        cands = [
            u
            for u in uids
            if height - nrs[u].registered_at >= self.params.immunity_period
        ] or list(uids)
        return min(cands, key=lambda u: (nrs[u].emission, nrs[u].registered_at, u))

    def _register(self, state, ns, hotkey, coldkey, burn, height) -> None:
        state.balances[coldkey] = state.balance(coldkey) - burn
        state.supply -= burn
        ns.burned += burn
        neuron = Neuron(hotkey, coldkey, registered_at=height, last_update=height)
        if ns.n < self.params.max_uids:
            for row in ns.bonds:
                row.append(0)
            ns.neurons.append(neuron)
            ns.bonds.append([0] * ns.n)
            return
        uid = self._uid_to_prune(ns, height)
        for cold, amount in ns.stakes.pop(ns.neurons[uid].hotkey, {}).items():
            state.balances[cold] = state.balance(cold) + amount
        ns.neurons[uid] = neuron
        for row in ns.bonds:
            row[uid] = 0
        ns.bonds[uid] = [0] * ns.n

    # ----------------------------------------------------------------- epoch
    def end_block(self, state: State, ctx: BlockContext) -> None:
        if ctx.height % self.params.tempo != 0:
            return
        ns = self._ns(state)
        previous = ns.last_epoch
        blocks = ctx.height - previous
        ns.last_epoch = ctx.height
        ns.epochs += 1
        minted = self.params.emission_per_block * blocks
        self._run_epoch(state, ns, ctx.height, previous, minted)

    def _dense_weights(self, ns: SubnetState) -> np.ndarray:
        n = ns.n
        w = np.zeros((n, n), dtype=np.float64)
        for i, nr in enumerate(ns.neurons):
            for j, value in nr.weights:
                # outdated: set before (or in the block) j registered; self-weight
                if j != i and nr.last_update > ns.neurons[j].registered_at:
                    w[i, j] = value
        return w

    def _run_epoch(
        self, state: State, ns: SubnetState, height: int, previous: int, minted: int
    ) -> None:
        prm = self.params
        n = ns.n
        pay = [0] * n
        owner_pay = 0
        if n == 0:
            owner_pay = minted
        else:
            stake = ns.stake_vector()
            bonds_prev = np.array(ns.bonds, dtype=np.float64) / U16_MAX
            fresh = np.array(ns.column("registered_at")) > previous
            bonds_prev[:, fresh] = 0.0  # miners registered since the last epoch
            active = np.array(ns.column("last_update")) + prm.activity_cutoff >= height
            r = epoch_fused(  # lesson 08's epoch, bond steps fused
                stake,
                self._dense_weights(ns),
                bonds_prev,
                kappa=prm.kappa,
                alpha=prm.bonds_alpha,
                bonds_penalty=prm.bonds_penalty,
                active=active,
                validator_permit=np.array(ns.column("validator_permit"), dtype=bool),
            )
            owner_pay = minted * prm.owner_cut_percent // 100
            miner_pool = (minted - owner_pay) // 2
            validator_pool = minted - owner_pay - miner_pool
            if not r.fallback:
                for u, t in enumerate(split_tokens(miner_pool, r.incentive)):
                    pay[u] += t
                v_shares = r.dividends
            else:  # no usable weights: validators get both halves by stake
                validator_pool += miner_pool
                v_shares = r.validator_emission
            if v_shares.sum() > 0:
                for u, t in enumerate(split_tokens(validator_pool, v_shares)):
                    pay[u] += t
            else:  # nobody holds stake: the owner takes the validators' part
                owner_pay += validator_pool
            permits = self._permits(stake)
            for u, nr in enumerate(ns.neurons):
                nr.consensus = float(r.consensus[u])
                nr.incentive = float(r.incentive[u])
                nr.dividends = float(r.dividends[u])
                nr.trust = float(r.trust[u])
                nr.validator_trust = float(r.validator_trust[u])
                nr.validator_permit = permits[u]
            ns.bonds = [[int(v) for v in row] for row in quantize_bonds(r.bonds)]
        if not prm.owner:  # no owner: its cut is not minted
            minted -= owner_pay
            owner_pay = 0
        for nr, t in zip(ns.neurons, pay, strict=True):
            nr.emission = t
            if t:
                state.balances[nr.hotkey] = state.balance(nr.hotkey) + t
        if owner_pay:
            state.balances[prm.owner] = state.balance(prm.owner) + owner_pay
        ns.minted += minted
        state.supply += minted

    def _permits(self, stake: np.ndarray) -> list[bool]:
        """Top-k non-zero stake (subtensor ``is_topk_nonzero``: ascending stable
        sort, so among equal stakes the lower uid loses first)."""
        order = sorted(range(stake.size), key=lambda i: stake[i])
        top = set(order[-self.params.max_validators :]) if stake.size else set()
        return [bool(i in top and stake[i] > 0) for i in range(stake.size)]

    # ----------------------------------------------------------------- views
    def metagraph(
        self, state: State | None = None, *, block: int | None = None
    ) -> Metagraph:
        """The subnet at ``state`` (default: the attached chain's tip), seen at
        ``block`` (default: the tip's height, or the last block the state saw)."""
        if state is None:
            if self.chain is None:
                raise ValueError("pass a state or attach(chain) first")
            state = self.chain.state
        ns = state.ext.get(self.name) or self.init_state()
        if block is None and self.chain is not None and state is self.chain.state:
            block = self.chain.height
        return ns.metagraph(self.params.netuid, self.params.activity_cutoff, block)

    # ------------------------------------------------------- tx builders
    # Every builder takes the keyword options of :meth:`tx`: ``fee`` (default 0),
    # ``nonce`` and ``chain_id`` (default: read from the attached chain's tip).
    def tx(
        self,
        key: Any,
        kind: str,
        payload: dict,
        amount: int = 0,
        *,
        fee: int = 0,
        nonce: int | None = None,
        chain_id: int | None = None,
    ) -> Transaction:
        """A signed subnet transaction of ``kind`` from ``key`` (a PrivateKey);
        ``payload`` gets this subnet's ``netuid``. Lesson 06."""
        sender = key.public_key.to_bytes(compressed=True)
        if nonce is None or chain_id is None:
            if self.chain is None:
                raise ValueError("pass nonce and chain_id or attach(chain) first")
            addr = key.public_key.address
            nonce = self.chain.state.nonce(addr) if nonce is None else nonce
            chain_id = self.chain.params.chain_id if chain_id is None else chain_id
        payload = {"netuid": self.params.netuid, **payload}
        tx = Transaction(
            sender, "", amount, fee, nonce, chain_id, kind, encode_payload(payload)
        )
        return tx.sign(key)

    def register_tx(self, coldkey: Any, hotkey: str, **opts: Any) -> Transaction:
        """A signed ``register`` of ``hotkey`` (an address) paid by ``coldkey``
        (it burns ``params.burn``)."""
        return self.tx(
            coldkey, "register", {"hotkey": hotkey}, self.params.burn, **opts
        )

    def stake_tx(
        self, coldkey: Any, hotkey: str, amount: int, **opts: Any
    ) -> Transaction:
        """A signed ``stake`` of ``amount`` from ``coldkey`` onto ``hotkey``."""
        return self.tx(coldkey, "stake", {"hotkey": hotkey}, amount, **opts)

    def unstake_tx(
        self, coldkey: Any, hotkey: str, amount: int, **opts: Any
    ) -> Transaction:
        """A signed ``unstake`` of ``amount`` from ``hotkey`` back to ``coldkey``
        (the amount travels in the payload; ``tx.amount`` is 0)."""
        payload = {"hotkey": hotkey, "amount": amount}
        return self.tx(coldkey, "unstake", payload, 0, **opts)

    def set_weights_tx(
        self, hotkey: Any, uids: list[int], weights: list[int], **opts: Any
    ) -> Transaction:
        """A signed ``set_weights`` (u16 ``weights``, see ``weights_to_u16``)."""
        payload = {"uids": [int(u) for u in uids], "weights": [int(w) for w in weights]}
        return self.tx(hotkey, "set_weights", payload, 0, **opts)
