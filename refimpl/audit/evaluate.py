"""Precision, recall and confusion tables per attack type, on held-out scenarios.

For an attack type, a *true positive* is an entity that did that attack and was
flagged as that attack; a *false positive* is anything else flagged as it (an
honest user accused, or another attack mislabelled); a *false negative* is an
attacker not flagged as what it did. Precision = TP / (TP + FP) (0 when nothing is
flagged), recall = TP / (TP + FN). Introduced in lesson 14.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .dataset import Labelled
from .features import FeatureTable
from .scenarios import ATTACKS, NORMAL

__all__ = [
    "AttackScore",
    "precision_recall",
    "attack_scores",
    "confusion",
    "score_table",
    "confusion_table",
    "predict_all",
]

Predictor = Callable[[Mapping[str, FeatureTable]], dict[str, dict[str, str]]]


@dataclass(frozen=True)
class AttackScore:
    """Counts for one (kind, attack) over a set of scenarios."""

    kind: str
    attack: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        flagged = self.tp + self.fp
        return self.tp / flagged if flagged else 0.0

    @property
    def recall(self) -> float:
        real = self.tp + self.fn
        return self.tp / real if real else 0.0


def precision_recall(flagged: set[str], truth: set[str]) -> tuple[float, float]:
    """``(precision, recall)`` of a set of flagged ids against the true attackers.

    >>> precision_recall({"a", "b"}, {"a", "c", "d"})
    (0.5, 0.3333333333333333)
    """
    tp = len(flagged & truth)
    p = tp / len(flagged) if flagged else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r


def predict_all(
    data: Sequence[Labelled], predictor: Predictor
) -> list[dict[str, dict[str, str]]]:
    """Run a predictor (``rule_predictions`` or ``Auditor.predict``) on each one."""
    return [predictor(d.tables) for d in data]


def attack_scores(
    data: Sequence[Labelled], preds: Sequence[Mapping[str, Mapping[str, str]]]
) -> list[AttackScore]:
    """One :class:`AttackScore` per (kind, attack), summed over the scenarios."""
    out = []
    for kind, attacks in ATTACKS.items():
        for attack in attacks:
            tp = fp = fn = 0
            for d, p in zip(data, preds, strict=True):
                for e, t in d.truth_of(kind).items():
                    got = p.get(kind, {}).get(e, NORMAL)
                    tp += t == attack and got == attack
                    fp += t != attack and got == attack
                    fn += t == attack and got != attack
            out.append(AttackScore(kind, attack, tp, fp, fn))
    return out


def confusion(
    data: Sequence[Labelled],
    preds: Sequence[Mapping[str, Mapping[str, str]]],
    kind: str,
) -> tuple[tuple[str, ...], np.ndarray]:
    """``(classes, counts)``: ``counts[i, j]`` = entities of class i predicted j."""
    classes = (NORMAL, *ATTACKS[kind])
    m = np.zeros((len(classes), len(classes)), dtype=np.int64)
    for d, p in zip(data, preds, strict=True):
        for e, t in d.truth_of(kind).items():
            m[classes.index(t), classes.index(p.get(kind, {}).get(e, NORMAL))] += 1
    return classes, m


def score_table(named: Mapping[str, Sequence[AttackScore]]) -> str:
    """A text table: one line per attack, precision/recall (2 decimals) per method."""
    methods = list(named)
    head = f"{'attack':<12} {'kind':<9} {'n':>3}" + "".join(
        f" | {m:^17}" for m in methods
    )
    sub = " " * 26 + "".join(f" | {'prec':>7} {'recall':>8}" for _ in methods)
    lines = [head, sub, "-" * len(sub)]
    first = named[methods[0]]
    for i, s in enumerate(first):
        line = f"{s.attack:<12} {s.kind:<9} {s.tp + s.fn:>3}"
        for m in methods:
            r = named[m][i]
            line += f" | {r.precision:>7.2f} {r.recall:>8.2f}"
        lines.append(line)
    return "\n".join(lines)


def confusion_table(classes: Sequence[str], counts: np.ndarray) -> str:
    """Rows: true class; columns: predicted class."""
    w = max(12, *(len(c) for c in classes))
    corner = "true \\ pred"
    lines = [f"{corner:<{w}}" + "".join(f" {c:>{w}}" for c in classes)]
    for c, row in zip(classes, counts, strict=True):
        lines.append(f"{c:<{w}}" + "".join(f" {int(v):>{w}}" for v in row))
    return "\n".join(lines)
