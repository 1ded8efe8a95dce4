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
confusion tables) and ``report`` (``audit_report(chain)``). Introduced in lesson 14.
"""

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
from .models import (
    AnomalyModel,
    Auditor,
    Classifier,
    train_anomaly,
    train_auditor,
    train_classifier,
)
from .records import EpochRecord, TxRecord, epoch_records, tx_records
from .report import AuditReport, Finding, audit_report, verify_chain
from .rules import RULES, Rule, rule_predictions
from .scenarios import ATTACKS, KINDS, NORMAL, Scenario, make_scenario

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
    "Classifier",
    "AnomalyModel",
    "Auditor",
    "train_classifier",
    "train_anomaly",
    "train_auditor",
    "AttackScore",
    "precision_recall",
    "attack_scores",
    "predict_all",
    "confusion",
    "score_table",
    "confusion_table",
    "AuditReport",
    "Finding",
    "audit_report",
    "verify_chain",
    "AuditError",
]
__all__ += features.__all__  # the feature tables of lesson 14
