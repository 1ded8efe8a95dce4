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
from .features import (
    ACCOUNT_FEATURES,
    TOKEN_FEATURES,
    VALIDATOR_FEATURES,
    FeatureTable,
    account_features,
    chain_features,
    conflicting_nonces,
    cycle_lengths,
    max_in_window,
    pearson,
    price_path,
    token_features,
    validator_features,
)
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
    "FeatureTable",
    "ACCOUNT_FEATURES",
    "VALIDATOR_FEATURES",
    "TOKEN_FEATURES",
    "pearson",
    "conflicting_nonces",
    "max_in_window",
    "cycle_lengths",
    "price_path",
    "account_features",
    "validator_features",
    "token_features",
    "chain_features",
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
