"""``audit_report(chain)``: who looks risky, why, and in which blocks.

The report first re-validates the chain from genesis (every block, every
signature, the state at the tip), so nobody audits a chain that has been tampered
with; then it computes the features, applies the rules (and a trained
:class:`~refimpl.audit.models.Auditor` if one is given) and lists each flag with
the features that triggered it and the blocks they come from.
Introduced in lesson 14.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from refimpl.chain import Chain, ChainError

from .errors import AuditError
from .features import FeatureTable, chain_features
from .models import Auditor
from .rules import RULES, Rule, rule_predictions
from .scenarios import NORMAL

__all__ = ["Finding", "AuditReport", "audit_report", "verify_chain", "EVIDENCE"]

#: (kind, attack) -> (the features shown as evidence, the evidence topic)
EVIDENCE: dict[tuple[str, str], tuple[tuple[str, ...], str]] = {
    ("account", "double_spend"): (("conflicting_nonces", "stale_txs"), "conflict"),
    ("account", "sybil"): (("registrations", "reg_burst", "idle_hotkeys"), "register"),
    ("account", "dusting"): (
        ("distinct_recipients", "median_out_amount", "small_out_fraction"),
        "small_out",
    ),
    ("account", "wash_trade"): (
        ("nft_buys", "nft_buybacks", "fast_resales", "nft_counterparty_share"),
        "nft",
    ),
    ("validator", "copier"): (("corr_prev", "corr_next", "copy_gap"), "weights"),
    ("token", "wash_trade"): (
        ("sales", "returns", "rise_fraction", "price_growth"),
        "sales",
    ),
}


@dataclass(frozen=True)
class Finding:
    """One flag: an entity, the attack it looks like, who flagged it, the evidence."""

    kind: str
    entity: str
    attack: str
    by: str  # "rules", "model" or "rules+model"
    features: tuple[tuple[str, float], ...]
    blocks: tuple[str, ...]

    def evidence(self) -> str:
        """The features as ``name=value`` (2 decimals, integers without)."""
        return " ".join(f"{n}={_fmt(v)}" for n, v in self.features)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}"


@dataclass
class AuditReport:
    """Everything ``audit_report`` found, plus notes on what it could not check.

    ``counts`` says how many entities of each kind were examined; ``notes`` what
    could not be checked (no subnet, no NFTs, nothing but the genesis block).
    """

    height: int
    tip: str
    counts: dict[str, int]
    findings: list[Finding]
    notes: list[str]

    def flagged(self, kind: str | None = None, attack: str | None = None) -> set[str]:
        """Entities flagged (optionally of one kind and/or for one attack)."""
        return {
            f.entity
            for f in self.findings
            if (kind is None or f.kind == kind)
            and (attack is None or f.attack == attack)
        }

    def table(self, names: Mapping[str, str] | None = None, max_blocks: int = 3) -> str:
        """A text table a person can read; ``names`` maps ids to display names."""
        names = names or {}
        head = (
            f"audit of the chain at height {self.height} (tip {self.tip[:16]}): "
            + ", ".join(f"{n} {k}s" for k, n in self.counts.items())
        )
        lines = [head]
        lines += [f"note: {n}" for n in self.notes]
        if not self.findings:
            lines.append("no findings")
            return "\n".join(lines)
        rows = []
        for f in self.findings:
            who = f.entity if f.kind == "token" else f.entity[:10] + "…"
            if f.entity in names:
                who += f" ({names[f.entity]})"
            more = len(f.blocks) - max_blocks
            blocks = " ".join(f.blocks[:max_blocks]) + (f" +{more}" if more > 0 else "")
            rows.append((f.kind, who, f.attack, f.by, f.evidence(), blocks))
        heads = ("kind", "entity", "flag", "by", "evidence", "blocks")
        widths = [max(len(r[i]) for r in [heads, *rows]) for i in range(5)]
        for r in [heads, *rows]:
            lines.append(
                "  ".join(c.ljust(w) for c, w in zip(r[:5], widths, strict=True))
                + "  "
                + r[5]
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def verify_chain(chain: Chain) -> None:
    """Re-validate every block of ``chain`` from genesis; AuditError if any fails.

    The blocks are replayed into a fresh node with the same parameters and
    extensions (signatures already verified are skipped by the signature cache,
    never trusted blindly: the cache holds only valid ones). The tip and the
    balances, nonces and supply at the tip must come out the same.
    """
    if not isinstance(chain, Chain):
        raise AuditError(f"audit_report takes a Chain, got {type(chain).__name__}")
    try:
        fresh = Chain.from_blocks(
            chain.all_blocks(),
            chain.params,
            chain.extensions,
            genesis_alloc=chain.genesis_alloc,
            clock=chain.clock,
            sigcache=chain.sigcache,
        )
    except ChainError as e:
        raise AuditError(f"the chain fails validation: {e}") from None
    if fresh.tip.hash() != chain.tip.hash():
        raise AuditError("the chain's tip is not the block with the most work")
    a, b = fresh.state, chain.state
    if (a.balances, a.nonces, a.supply) != (b.balances, b.nonces, b.supply):
        raise AuditError("the state at the tip does not follow from the blocks")
    for name, ns in a.ext.items():  # plain data or dataclasses: compared by value
        if ns != b.ext.get(name):
            raise AuditError(f"the {name!r} state does not follow from the blocks")


def _findings(
    tables: Mapping[str, FeatureTable],
    rules_pred: dict[str, dict[str, str]],
    model_pred: dict[str, dict[str, str]] | None,
) -> list[Finding]:
    out = []
    for kind, table in tables.items():
        for i, entity in enumerate(table.ids):
            by: dict[str, list[str]] = {}
            r = rules_pred.get(kind, {}).get(entity, NORMAL)
            if r != NORMAL:
                by.setdefault(r, []).append("rules")
            if model_pred is not None:
                m = model_pred.get(kind, {}).get(entity, NORMAL)
                if m != NORMAL:
                    by.setdefault(m, []).append("model")
            for attack, who in by.items():
                names, topic = EVIDENCE[(kind, attack)]
                feats = tuple(
                    (n, float(table.X[i, table.names.index(n)])) for n in names
                )
                blocks = tuple(table.evidence.get(entity, {}).get(topic, []))
                out.append(Finding(kind, entity, attack, "+".join(who), feats, blocks))
    order = {k: i for i, k in enumerate(("account", "validator", "token"))}
    out.sort(key=lambda f: (order.get(f.kind, 9), f.attack, f.entity))
    return out


def audit_report(
    chain: Chain,
    *,
    auditor: Auditor | None = None,
    rules: tuple[Rule, ...] = RULES,
) -> AuditReport:
    """Validate ``chain``, compute its features, flag with rules (and ``auditor``).

    Raises AuditError for anything that is not a valid chain. A chain with only
    its genesis block, or without a subnet or NFTs, gives a report whose notes
    say what could not be checked. Introduced in lesson 14.
    """
    verify_chain(chain)
    height, tip = chain.height, chain.tip.hash_hex()
    if height == 0:
        nothing = {"account": 0, "validator": 0, "token": 0}
        notes = ["the chain holds only its genesis block: nothing to audit"]
        return AuditReport(height, tip, nothing, [], notes)
    tables = chain_features(chain)
    notes = []
    if "subnet" not in chain.state.ext:
        notes.append("no subnet on this chain: validator checks skipped")
    elif not tables["validator"].ids:
        notes.append("nobody set weights: validator checks had nothing to check")
    if "nft" not in chain.state.ext:
        notes.append("no NFT registry on this chain: token checks skipped")
    elif not tables["token"].ids:
        notes.append("no NFTs minted: token checks had nothing to check")
    model_pred = auditor.predict(tables) if auditor is not None else None
    findings = _findings(tables, rule_predictions(tables, rules), model_pred)
    counts = {k: len(t) for k, t in tables.items()}
    return AuditReport(height, tip, counts, findings, notes)
