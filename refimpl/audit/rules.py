"""The transparent baseline: one readable rule per attack type.

Each rule is a threshold a person can read, argue with and explain to the account
it flags. They are the *first* rules an analyst would write; lesson 14 measures
where they hold and where a learned model does better (or worse).
Introduced in lesson 14.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .features import FeatureTable
from .scenarios import NORMAL

__all__ = ["Rule", "RULES", "rule_predictions", "rules_for"]


@dataclass(frozen=True)
class Rule:
    """Flag an entity of ``kind`` as ``attack`` when ``test(features)`` holds."""

    attack: str
    kind: str
    text: str
    test: Callable[[Mapping[str, float]], bool]

    def __call__(self, features: Mapping[str, float]) -> bool:
        return bool(self.test(features))


RULES: tuple[Rule, ...] = (
    Rule(
        "double_spend",
        "account",
        "conflicting_nonces >= 1",
        lambda f: f["conflicting_nonces"] >= 1,
    ),
    Rule("sybil", "account", "reg_burst >= 4", lambda f: f["reg_burst"] >= 4),
    Rule(
        "dusting",
        "account",
        "distinct_recipients >= 10 and median_out_amount <= 100",
        lambda f: f["distinct_recipients"] >= 10 and f["median_out_amount"] <= 100,
    ),
    Rule(
        "wash_trade", "account", "nft_buybacks >= 1", lambda f: f["nft_buybacks"] >= 1
    ),
    Rule("copier", "validator", "corr_prev >= 0.99", lambda f: f["corr_prev"] >= 0.99),
    Rule(
        "wash_trade",
        "token",
        "returns >= 1 and sales >= 3",
        lambda f: f["returns"] >= 1 and f["sales"] >= 3,
    ),
)


def rules_for(kind: str, rules: tuple[Rule, ...] = RULES) -> list[Rule]:
    """The rules that judge one kind of entity, in priority order."""
    return [r for r in rules if r.kind == kind]


def rule_predictions(
    tables: Mapping[str, FeatureTable], rules: tuple[Rule, ...] = RULES
) -> dict[str, dict[str, str]]:
    """kind -> entity -> predicted label: the first rule that fires, else normal."""
    out: dict[str, dict[str, str]] = {}
    for kind, table in tables.items():
        mine = rules_for(kind, rules)
        out[kind] = {}
        for entity, row in zip(table.ids, table.rows(), strict=True):
            hit = next((r.attack for r in mine if r(row)), NORMAL)
            out[kind][entity] = hit
    return out
