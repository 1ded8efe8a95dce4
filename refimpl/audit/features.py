"""Features from the chain alone: per account, per validator, per token.

Everything here reads :mod:`refimpl.audit.records` (the blocks a node holds and the
states it computed), never a simulation's labels. Each feature comes with the
blocks it was computed from, so a flag can always be traced back to evidence.
The small pure functions at the top are the ideas of lesson 14, one each:

* :func:`pearson`: how alike two weight vectors are (a copier's weights match the
  consensus it copied, the *previous* epoch's, better than the epoch they vote in);
* :func:`conflicting_nonces`: two different transactions with one sender and one
  nonce are a double-spend attempt (only one can ever be valid);
* :func:`max_in_window`: how bursty registrations are;
* :func:`cycle_lengths` and :func:`price_path`: a token that comes back to a
  previous owner, at a price that only goes up, is being washed.

Introduced in lesson 14.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from refimpl.chain import Chain

from .errors import AuditError
from .records import EpochRecord, TxRecord, block_ref, epoch_records, tx_records

__all__ = [
    "ACCOUNT_FEATURES",
    "VALIDATOR_FEATURES",
    "TOKEN_FEATURES",
    "FeatureTable",
    "pearson",
    "conflicting_nonces",
    "max_in_window",
    "cycle_lengths",
    "price_path",
    "account_features",
    "validator_features",
    "token_features",
    "chain_features",
]

SMALL = 100  # a payment of at most this many units counts as "small"
FAST = 3  # blocks: a resale within this many blocks of the purchase is "fast"

ACCOUNT_FEATURES = (
    "txs_sent",
    "out_transfers",
    "distinct_recipients",
    "median_out_amount",
    "small_out_fraction",
    "conflicting_nonces",
    "stale_txs",
    "registrations",
    "reg_burst",
    "block_reg_peak",
    "idle_hotkeys",
    "nft_buys",
    "nft_sales",
    "nft_buybacks",
    "nft_counterparty_share",
    "fast_resales",
)
VALIDATOR_FEATURES = (
    "rounds",
    "corr_prev",
    "corr_next",
    "copy_gap",
    "dist_prev",
    "dist_next",
)
TOKEN_FEATURES = (
    "sales",
    "owner_ratio",
    "returns",
    "min_cycle",
    "rise_fraction",
    "price_growth",
    "mean_gap",
)


@dataclass
class FeatureTable:
    """One row of named features per entity, with the blocks behind each row.

    ``X[i]`` holds the features of ``ids[i]`` in the order of ``names``;
    ``evidence[id][topic]`` lists the block references (``"h12:3f9a0c1d"``) behind
    one group of features (topics: ``conflict``, ``register``, ``small_out``,
    ``nft``, ``weights``, ``sales``).
    """

    kind: str
    names: tuple[str, ...]
    ids: list[str] = field(default_factory=list)
    X: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    evidence: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def row(self, entity: str) -> dict[str, float]:
        """The features of one entity as a name -> value dict."""
        i = self.ids.index(entity)
        return {n: float(v) for n, v in zip(self.names, self.X[i], strict=True)}

    def column(self, name: str) -> np.ndarray:
        """One feature for every entity."""
        return self.X[:, self.names.index(name)]

    def rows(self) -> list[dict[str, float]]:
        """Every row as a dict (in ``ids`` order)."""
        return [self.row(e) for e in self.ids]


def _table(
    kind: str,
    names: tuple[str, ...],
    rows: dict[str, dict[str, float]],
    evidence: dict[str, dict[str, list[str]]],
) -> FeatureTable:
    ids = sorted(rows, key=lambda e: (len(e), e) if e.startswith("#") else (0, e))
    x = np.array([[rows[e][n] for n in names] for e in ids], dtype=np.float64)
    return FeatureTable(
        kind,
        names,
        ids,
        x.reshape(len(ids), len(names)),
        {
            e: {t: sorted(set(refs), key=_ref_key) for t, refs in evidence[e].items()}
            for e in ids
        },
    )


def _ref_key(ref: str) -> tuple[int, str]:
    h, _, rest = ref.partition(":")
    return int(h[1:]), rest


# -- the ideas, one small function each -------------------------------------------
def pearson(a: Sequence[float], b: Sequence[float]) -> float:
    """Pearson correlation of two equal-length vectors; 0.0 if either is constant.

    >>> pearson([1, 2, 3], [2, 4, 6])
    1.0
    """
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise AuditError(f"need two equal-length vectors, got {x.shape}, {y.shape}")
    if x.size < 2:
        return 0.0
    dx, dy = x - x.mean(), y - y.mean()
    den = math.sqrt(float(dx @ dx) * float(dy @ dy))
    return 0.0 if den == 0.0 else float(dx @ dy) / den


def conflicting_nonces(
    txs: Iterable[tuple[str, int, str]],
) -> dict[str, list[int]]:
    """Senders that signed two different transactions with the same nonce.

    ``txs`` are ``(sender, nonce, txid)`` triples from every block a node knows
    (all branches); the same transaction seen twice is not a conflict. Returns
    sender -> sorted conflicting nonces.

    >>> conflicting_nonces([("a", 0, "t1"), ("a", 0, "t2"), ("b", 0, "t3")])
    {'a': [0]}
    """
    seen: dict[tuple[str, int], set[str]] = defaultdict(set)
    for sender, nonce, txid in txs:
        seen[(sender, nonce)].add(txid)
    out: dict[str, list[int]] = defaultdict(list)
    for (sender, nonce), ids in sorted(seen.items()):
        if len(ids) > 1:
            out[sender].append(nonce)
    return dict(out)


def max_in_window(heights: Iterable[int], window: int) -> int:
    """The most events within any ``window`` consecutive blocks.

    >>> max_in_window([3, 3, 4, 9], 2)
    3
    """
    if window < 1:
        raise AuditError("window must be at least one block")
    hs = sorted(heights)
    best, lo = 0, 0
    for hi, h in enumerate(hs):
        while h - hs[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def cycle_lengths(owners: Sequence[str]) -> list[int]:
    """For a token's owners in order (minter first), the length of every cycle.

    Each time a token goes to someone who held it before, the cycle length is the
    number of hand-overs since that owner last held it: ``[A, B, A]`` -> ``[2]``,
    ``[A, B, C, A, B]`` -> ``[3, 3]``. Honest resales rarely return; wash trades
    always do once the ring closes.
    """
    last: dict[str, int] = {}
    out = []
    for i, who in enumerate(owners):
        if who in last:
            out.append(i - last[who])
        last[who] = i
    return out


def price_path(prices: Sequence[float]) -> tuple[float, float]:
    """``(rise_fraction, growth)`` of a token's sale prices in order.

    ``rise_fraction`` is the share of consecutive steps that go up (0 with fewer
    than two sales); ``growth`` is last / first (1 with fewer than two sales).

    >>> price_path([100, 150, 120, 200])
    (0.6666666666666666, 2.0)
    """
    if len(prices) < 2:
        return 0.0, 1.0
    ups = sum(1 for a, b in zip(prices, prices[1:], strict=False) if b > a)
    return ups / (len(prices) - 1), float(prices[-1]) / float(prices[0])


# -- NFT history -----------------------------------------------------------------
@dataclass
class _Sale:
    height: int
    block: str
    seller: str
    buyer: str
    price: int


def _nft_history(
    records: list[TxRecord],
) -> tuple[dict[int, list[str]], dict[int, list[_Sale]], dict[int, TxRecord]]:
    """Owners in order, sales and the mint record of every token (main chain)."""
    owners: dict[int, list[str]] = {}
    sales: dict[int, list[_Sale]] = defaultdict(list)
    mints: dict[int, TxRecord] = {}
    for r in records:
        if not r.main or not r.kind.startswith("nft_"):
            continue
        tid = r.payload.get("token_id")
        if r.kind == "nft_mint":
            owners[tid] = [r.sender]
            mints[tid] = r
        elif r.kind == "nft_transfer" and tid in owners:
            owners[tid].append(r.recipient)
        elif r.kind == "nft_buy" and tid in owners:
            seller = owners[tid][-1]
            owners[tid].append(r.sender)
            sales[tid].append(_Sale(r.height, r.block, seller, r.sender, r.amount))
        elif r.kind == "nft_burn" and tid in owners:
            owners[tid].append("")
    return owners, sales, mints


# -- per account -----------------------------------------------------------------
def account_features(
    records: list[TxRecord], chain: Chain | None = None
) -> FeatureTable:
    """One row per address that sent a transaction (see ``ACCOUNT_FEATURES``).

    ``chain`` (optional) supplies the tip's balances for ``idle_hotkeys``: the
    hotkeys an account registered that have never been paid anything.
    """
    rows: dict[str, dict[str, float]] = {}
    ev: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    by_sender: dict[str, list[TxRecord]] = defaultdict(list)
    for r in records:
        by_sender[r.sender].append(r)
    conflicts = conflicting_nonces((r.sender, r.nonce, r.txid) for r in records)
    regs_per_block: dict[int, int] = defaultdict(int)
    for r in records:
        if r.main and r.kind == "register":
            regs_per_block[r.height] += 1
    balances = chain.state.balances if chain is not None else {}
    _, sales, _ = _nft_history(records)
    bought: dict[str, list[tuple[int, int]]] = defaultdict(list)  # (token, height)
    sold: dict[str, list[tuple[int, int]]] = defaultdict(list)
    partners: dict[str, list[str]] = defaultdict(list)
    held: dict[str, set[int]] = defaultdict(set)
    buybacks: dict[str, int] = defaultdict(int)
    sale_refs: dict[str, list[str]] = defaultdict(list)
    for r in records:
        if r.main and r.kind == "nft_mint":
            held[r.sender].add(r.payload["token_id"])
    for tid, ss in sales.items():
        for s in ss:
            if tid in held[s.buyer]:
                buybacks[s.buyer] += 1
            held[s.buyer].add(tid)
            bought[s.buyer].append((tid, s.height))
            sold[s.seller].append((tid, s.height))
            partners[s.buyer].append(s.seller)
            partners[s.seller].append(s.buyer)
            ref = block_ref(s.height, s.block)
            sale_refs[s.buyer].append(ref)
            sale_refs[s.seller].append(ref)
    for sender, rs in by_sender.items():
        main = [r for r in rs if r.main]
        outs = [r for r in main if r.kind == "transfer"]
        amounts = [r.amount for r in outs]
        regs = [r for r in main if r.kind == "register"]
        hotkeys = [r.payload.get("hotkey", "") for r in regs]
        fast = 0
        for tid, h in sold[sender]:
            if any(t == tid and 0 <= h - hb <= FAST for t, hb in bought[sender]):
                fast += 1
        ps = partners[sender]
        top = max((ps.count(p) for p in set(ps)), default=0)
        rows[sender] = {
            "txs_sent": len(main),
            "out_transfers": len(outs),
            "distinct_recipients": len({r.recipient for r in outs}),
            "median_out_amount": float(statistics.median(amounts)) if amounts else 0.0,
            "small_out_fraction": (
                sum(a <= SMALL for a in amounts) / len(amounts) if amounts else 0.0
            ),
            "conflicting_nonces": len(conflicts.get(sender, [])),
            "stale_txs": sum(1 for r in rs if not r.main),
            "registrations": len(regs),
            "reg_burst": max_in_window([r.height for r in regs], 1) if regs else 0,
            "block_reg_peak": max((regs_per_block[r.height] for r in regs), default=0),
            "idle_hotkeys": sum(1 for hk in hotkeys if balances.get(hk, 0) == 0)
            if chain is not None
            else 0,
            "nft_buys": len(bought[sender]),
            "nft_sales": len(sold[sender]),
            "nft_buybacks": buybacks[sender],
            "nft_counterparty_share": top / len(ps) if ps else 0.0,
            "fast_resales": fast,
        }
        bad = set(conflicts.get(sender, []))
        e = ev[sender]
        e["conflict"] = [block_ref(r.height, r.block) for r in rs if r.nonce in bad]
        e["register"] = [block_ref(r.height, r.block) for r in regs]
        small = [r for r in outs if r.amount <= SMALL]
        e["small_out"] = [block_ref(r.height, r.block) for r in small]
        e["nft"] = sale_refs[sender]
    return _table("account", ACCOUNT_FEATURES, rows, ev)


# -- per validator ---------------------------------------------------------------
def _copy_round(
    uid: int, weights: dict[int, int], prev: Sequence[float], nxt: Sequence[float]
) -> tuple[float, float, float, float]:
    n = max(len(prev), len(nxt), max(weights, default=-1) + 1)
    w = np.zeros(n)
    for u, v in weights.items():
        w[u] = v
    cp, cn = np.zeros(n), np.zeros(n)
    cp[: len(prev)] = prev
    cn[: len(nxt)] = nxt
    keep = [(w[j] > 0 or cp[j] > 0 or cn[j] > 0) and j != uid for j in range(n)]
    w, cp, cn = w[keep], cp[keep], cn[keep]

    def tv(a: np.ndarray, b: np.ndarray) -> float:
        sa, sb = a.sum(), b.sum()
        if sa == 0 or sb == 0:
            return 1.0
        return 0.5 * float(np.abs(a / sa - b / sb).sum())

    return pearson(w, cp), pearson(w, cn), tv(w, cp), tv(w, cn)


def validator_features(
    records: list[TxRecord], epochs: list[EpochRecord]
) -> FeatureTable:
    """One row per hotkey that set weights (see ``VALIDATOR_FEATURES``).

    For each ``set_weights`` on the main chain, the previous epoch's consensus
    (what the validator could read when it voted) and the next epoch's (what its
    vote fed) are compared with its weights; a round counts when both exist and
    the previous consensus is not all zero. ``copy_gap`` = ``corr_prev -
    corr_next``: honest evaluators track the miners now (gap < 0), copiers track
    the past (gap > 0).
    """
    rows: dict[str, dict[str, float]] = {}
    ev: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    per: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    for r in records:
        if not r.main or r.kind != "set_weights":
            continue
        before = [e for e in epochs if e.height < r.height]
        after = [e for e in epochs if e.height >= r.height]
        per.setdefault(r.sender, [])
        if not before or not after or not before[-1].metagraph.consensus.any():
            continue
        prev, nxt = before[-1].metagraph, after[0].metagraph
        uid = nxt.uid(r.sender)
        if uid is None:
            continue
        weights = dict(zip(r.payload["uids"], r.payload["weights"], strict=True))
        per[r.sender].append(_copy_round(uid, weights, prev.consensus, nxt.consensus))
        ev[r.sender]["weights"].append(block_ref(r.height, r.block))
    for hotkey, rounds in per.items():
        m = np.array(rounds).reshape(-1, 4).mean(axis=0) if rounds else np.zeros(4)
        rows[hotkey] = {
            "rounds": len(rounds),
            "corr_prev": float(m[0]),
            "corr_next": float(m[1]),
            "copy_gap": float(m[0] - m[1]),
            "dist_prev": float(m[2]) if rounds else 1.0,
            "dist_next": float(m[3]) if rounds else 1.0,
        }
    return _table("validator", VALIDATOR_FEATURES, rows, ev)


# -- per token -------------------------------------------------------------------
def token_features(records: list[TxRecord]) -> FeatureTable:
    """One row per minted token, ``"#<id>"`` (see ``TOKEN_FEATURES``)."""
    owners, sales, mints = _nft_history(records)
    rows: dict[str, dict[str, float]] = {}
    ev: dict[str, dict[str, list[str]]] = {}
    for tid, own in owners.items():
        ss = sales.get(tid, [])
        cycles = cycle_lengths(own)
        rise, growth = price_path([s.price for s in ss])
        times = [mints[tid].height] + [s.height for s in ss]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        if len(gaps) > 1:
            gaps = gaps[1:]  # the first sale waits for a buyer; resales show intent
        key = f"#{tid}"
        rows[key] = {
            "sales": len(ss),
            "owner_ratio": len(set(own)) / len(own),
            "returns": len(cycles),
            "min_cycle": min(cycles, default=0),
            "rise_fraction": rise,
            "price_growth": growth,
            "mean_gap": float(np.mean(gaps)) if gaps else 0.0,
        }
        ev[key] = {"sales": [block_ref(s.height, s.block) for s in ss]}
    return _table("token", TOKEN_FEATURES, rows, ev)


def chain_features(chain: Chain) -> dict[str, FeatureTable]:
    """All three tables for one chain: ``{"account", "validator", "token"}``."""
    records = tx_records(chain)
    return {
        "account": account_features(records, chain),
        "validator": validator_features(records, epoch_records(chain)),
        "token": token_features(records),
    }
