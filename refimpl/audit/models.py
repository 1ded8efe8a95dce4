"""Learned auditors: a small classifier per entity kind and an anomaly autoencoder.

Both read the same features as the rules (:mod:`refimpl.audit.features`), squashed
by ``sign(x) * log(1 + |x|)`` (counts and amounts span orders of magnitude) and
standardised with the training set's mean and spread.

* :class:`Classifier`: a one-hidden-layer MLP trained with class-balanced cross
  entropy on labelled scenarios; it can only learn attacks it has seen.
* :class:`AnomalyModel`: an autoencoder trained on *normal* accounts only; its
  reconstruction error is an anomaly score, and anything above the largest score
  seen on normal training data is flagged. It needs no attack labels, and it
  cannot say which attack it saw.

Everything is float64 on one CPU thread, initialised from ``numpy.random.
RandomState(seed)`` (torch's own random numbers differ across CPU instruction
sets), and trained full-batch with Adam in well under a second per model.
Introduced in lesson 14.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from refimpl.market.miners import train_mlp

from .dataset import Labelled
from .errors import AuditError
from .features import FeatureTable
from .scenarios import ATTACKS, NORMAL

__all__ = [
    "Classifier",
    "AnomalyModel",
    "Auditor",
    "squash",
    "train_classifier",
    "train_anomaly",
    "train_auditor",
]


def squash(x: np.ndarray) -> np.ndarray:
    """``sign(x) * log1p(|x|)``: keeps order, tames counts and amounts."""
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.log1p(np.abs(x))


def _mlp(sizes: Sequence[int], seed: int) -> torch.nn.Sequential:
    """Linear layers with tanh between, Glorot-uniform weights from numpy."""
    rng = np.random.RandomState(seed)
    layers: list[torch.nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False)):
        lin = torch.nn.Linear(a, b).double()
        bound = np.sqrt(6.0 / (a + b))
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(rng.uniform(-bound, bound, (b, a))))
            lin.bias.zero_()
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


@dataclass
class _Scaler:
    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, x: np.ndarray) -> _Scaler:
        z = squash(x)
        std = z.std(axis=0)
        return cls(z.mean(axis=0), np.where(std > 1e-9, std, 1.0))

    def __call__(self, x: np.ndarray) -> torch.Tensor:
        return torch.from_numpy((squash(x) - self.mean) / self.std)


@dataclass
class Classifier:
    """An MLP over one kind's features; ``classes[0]`` is ``"normal"``."""

    kind: str
    names: tuple[str, ...]
    classes: tuple[str, ...]
    scaler: _Scaler
    net: torch.nn.Sequential

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per entity."""
        if len(x) == 0:
            return np.zeros((0, len(self.classes)))
        with torch.no_grad():
            return torch.softmax(self.net(self.scaler(x)), dim=1).numpy()

    def predict(self, table: FeatureTable) -> dict[str, str]:
        """Entity -> most likely class."""
        if table.names != self.names:
            raise AuditError(f"features {table.names} are not {self.names}")
        p = self.proba(table.X)
        return {
            e: self.classes[int(i)] for e, i in zip(table.ids, p.argmax(1), strict=True)
        }

    def attack_score(self, table: FeatureTable) -> dict[str, float]:
        """Entity -> probability that it is not normal."""
        p = self.proba(table.X)
        return {e: float(1.0 - q[0]) for e, q in zip(table.ids, p, strict=True)}


def train_classifier(
    kind: str,
    x: np.ndarray,
    y: Sequence[str],
    names: tuple[str, ...],
    *,
    seed: int = 0,
    hidden: int = 16,
    steps: int = 300,
    lr: float = 0.02,
    weight_decay: float = 1e-2,
) -> Classifier:
    """Fit a class-balanced MLP classifier on rows ``x`` with labels ``y``."""
    classes = (NORMAL, *ATTACKS[kind])
    unknown = sorted(set(y) - set(classes))
    if unknown:
        raise AuditError(f"labels {unknown} are not {kind} classes {classes}")
    if len(x) == 0:
        raise AuditError(f"no {kind} rows to train on")
    scaler = _Scaler.fit(x)
    xt = scaler(x)
    yt = torch.tensor([classes.index(v) for v in y])
    counts = np.bincount(yt.numpy(), minlength=len(classes)).astype(np.float64)
    weight = torch.from_numpy(
        np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / len(classes), 0.0)
    )
    net = _mlp([x.shape[1], hidden, len(classes)], seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=weight_decay)
    loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(net(xt), yt)
        loss.backward()
        opt.step()
    net.eval()
    return Classifier(kind, names, classes, scaler, net)


@dataclass
class AnomalyModel:
    """Autoencoder anomaly scores; ``threshold`` = the top normal training score."""

    kind: str
    names: tuple[str, ...]
    scaler: _Scaler
    net: torch.nn.Sequential
    threshold: float = 0.0

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Mean squared reconstruction error per row (standardised units)."""
        if len(x) == 0:
            return np.zeros(0)
        with torch.no_grad():
            z = self.scaler(x)
            return ((self.net(z) - z) ** 2).mean(dim=1).numpy()

    def score(self, table: FeatureTable) -> dict[str, float]:
        """Entity -> anomaly score."""
        return dict(zip(table.ids, map(float, self.scores(table.X)), strict=True))

    def flags(self, table: FeatureTable) -> set[str]:
        """Entities scoring above the threshold."""
        return {e for e, s in self.score(table).items() if s > self.threshold}


def train_anomaly(
    kind: str,
    x_normal: np.ndarray,
    names: tuple[str, ...],
    *,
    seed: int = 0,
    bottleneck: int = 3,
    steps: int = 600,
    lr: float = 0.01,
) -> AnomalyModel:
    """Fit an autoencoder ``f -> 8 -> bottleneck -> 8 -> f`` on normal rows, trained
    to reproduce them as the market's miners are trained (:func:`train_mlp`)."""
    if len(x_normal) == 0:
        raise AuditError(f"no normal {kind} rows to train on")
    scaler = _Scaler.fit(x_normal)
    z = scaler(x_normal)
    f = x_normal.shape[1]
    net = train_mlp(_mlp([f, 8, bottleneck, 8, f], seed), z, z, steps, lr=lr)
    model = AnomalyModel(kind, names, scaler, net)
    model.threshold = float(model.scores(x_normal).max())
    return model


@dataclass
class Auditor:
    """One classifier per kind, plus the account autoencoder."""

    classifiers: dict[str, Classifier]
    anomaly: AnomalyModel | None = None
    train_seeds: tuple[int, ...] = field(default_factory=tuple)

    def predict(self, tables: Mapping[str, FeatureTable]) -> dict[str, dict[str, str]]:
        """kind -> entity -> predicted label (kinds without a model: all normal)."""
        out: dict[str, dict[str, str]] = {}
        for kind, table in tables.items():
            clf = self.classifiers.get(kind)
            out[kind] = clf.predict(table) if clf else {e: NORMAL for e in table.ids}
        return out


def train_auditor(train: Sequence[Labelled], *, seed: int = 0) -> Auditor:
    """Train every classifier (and the account autoencoder) on labelled scenarios."""
    if not train:
        raise AuditError("need at least one labelled scenario to train on")
    classifiers: dict[str, Classifier] = {}
    anomaly = None
    for kind in ATTACKS:
        tabs = [d.tables[kind] for d in train]
        x = np.concatenate([t.X for t in tabs]) if tabs else np.zeros((0, 0))
        y = [v for d in train for v in d.truth[kind]]
        if len(x) == 0:
            continue
        names = tabs[0].names
        classifiers[kind] = train_classifier(kind, x, y, names, seed=seed)
        if kind == "account":
            normal = x[np.array([v == NORMAL for v in y])]
            anomaly = train_anomaly(kind, normal, names, seed=seed)
    return Auditor(classifiers, anomaly, tuple(d.seed for d in train))
