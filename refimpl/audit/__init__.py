"""An AI auditor for the course chain: scenarios, features, rules, models, report.

Public API (lesson 14)::

    from refimpl.audit import (make_scenario, chain_features, rule_predictions,
                               train_auditor, attack_scores, audit_report, AuditError)

Modules: ``scenarios`` (labelled simulations on a real chain: normal users and
five attacks; their machinery is in ``simulation`` and ``actors``), ``records``
(what a node sees: every transaction of every known block, and the subnet's
epochs), ``features`` (per account, validator and token), ``rules`` (the
transparent baseline), ``dataset`` (scenarios as labelled tables), ``models`` (a
small torch classifier and autoencoder), ``evaluate`` (precision, recall,
confusion tables) and ``report`` (``audit_report(chain)``). The names of ``models``
and ``report`` load torch, so they are imported the first time one is used.
Introduced in lesson 14.
"""

import importlib
from typing import Any

from . import features
from .dataset import Labelled, build_dataset, labelled
from .errors import AuditError
from .evaluate import (
    AttackScore,
    attack_scores,
    confusion,
    confusion_table,
    precision_recall,
    predict_all,
    score_table,
)
from .features import *  # noqa: F403 - every feature table and helper
from .records import EpochRecord, TxRecord, epoch_records, tx_records
from .rules import RULES, Rule, rule_predictions
from .scenarios import ATTACKS, KINDS, NORMAL, Scenario, make_scenario

#: The names that need torch (the models, and the report that can use one), with
#: the module each lives in: imported the first time one is used (PEP 562), so
#: ``import refimpl.audit`` and the course's checks never load torch.
_LAZY = {
    "Classifier": "models",
    "AnomalyModel": "models",
    "Auditor": "models",
    "train_classifier": "models",
    "train_anomaly": "models",
    "train_auditor": "models",
    "AuditReport": "report",
    "Finding": "report",
    "audit_report": "report",
    "verify_chain": "report",
}


def __getattr__(name: str) -> Any:
    """Import a torch-bound name from its module on first use (PEP 562)."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(globals().keys() | _LAZY.keys())


__all__ = [
    "make_scenario",
    "Scenario",
    "ATTACKS",
    "KINDS",
    "NORMAL",
    "TxRecord",
    "EpochRecord",
    "tx_records",
    "epoch_records",
    "Labelled",
    "labelled",
    "build_dataset",
    "Rule",
    "RULES",
    "rule_predictions",
    "AttackScore",
    "precision_recall",
    "attack_scores",
    "predict_all",
    "confusion",
    "score_table",
    "confusion_table",
    "AuditError",
]
__all__ += list(_LAZY)  # the torch-bound names, imported on first use
__all__ += features.__all__  # the feature tables of lesson 14
