"""refimpl.audit models and evaluation: trained on some seeds, tested on others."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from refimpl.audit import (
    ATTACKS,
    attack_scores,
    audit_report,
    build_dataset,
    confusion,
    confusion_table,
    predict_all,
    rule_predictions,
    score_table,
    train_auditor,
    train_classifier,
)

torch.set_num_threads(1)

TRAIN, TEST = (1, 2), (7,)


@pytest.fixture(scope="module")
def train():
    return build_dataset(TRAIN)


@pytest.fixture(scope="module")
def test_data():
    return build_dataset(TEST)


@pytest.fixture(scope="module")
def auditor(train):
    return train_auditor(train)


def test_training_is_deterministic(train, auditor):
    again = train_auditor(train)
    for kind, clf in auditor.classifiers.items():
        other = again.classifiers[kind].net.parameters()
        pairs = zip(clf.net.parameters(), other, strict=True)
        for a, b in pairs:
            assert torch.equal(a, b)
    assert auditor.anomaly.threshold == again.anomaly.threshold
    assert auditor.train_seeds == TRAIN


def test_model_learns_the_training_attacks(train, auditor):
    preds = predict_all(train, auditor.predict)
    for s in attack_scores(train, preds):
        assert s.recall == 1.0, s


def test_held_out_scores_and_confusion_agree(test_data, auditor):
    assert not set(TEST) & set(auditor.train_seeds)
    preds = predict_all(test_data, auditor.predict)
    scores = attack_scores(test_data, preds)
    assert [(s.kind, s.attack) for s in scores] == [
        (k, a) for k, attacks in ATTACKS.items() for a in attacks
    ]
    for kind in ATTACKS:
        classes, m = confusion(test_data, preds, kind)
        assert m.sum() == len(test_data[0].tables[kind])
        for s in scores:
            if s.kind == kind:
                i = classes.index(s.attack)
                assert s.tp == m[i, i]
                assert s.fn == m[i].sum() - m[i, i]
                assert s.fp == m[:, i].sum() - m[i, i]
        text = confusion_table(classes, m)
        assert text.splitlines()[0].split()[-1] == classes[-1]
    by_attack = {(s.kind, s.attack): s for s in scores}
    assert by_attack[("account", "double_spend")].recall == 1.0
    assert by_attack[("validator", "copier")].recall == 1.0


def test_score_table_lists_every_method(test_data, auditor):
    rules = attack_scores(test_data, predict_all(test_data, rule_predictions))
    model = attack_scores(test_data, predict_all(test_data, auditor.predict))
    text = score_table({"rules": rules, "model": model})
    lines = text.splitlines()
    assert "rules" in lines[0] and "model" in lines[0]
    assert len(lines) == 3 + len(rules)
    assert all(s.precision in (0.0,) or 0 < s.precision <= 1 for s in rules)


def test_anomaly_scores_rank_attackers_high(test_data, auditor):
    d = test_data[0]
    scores = auditor.anomaly.score(d.tables["account"])
    truth = d.truth_of("account")
    normal = [v for e, v in scores.items() if truth[e] == "normal"]
    attack = [v for e, v in scores.items() if truth[e] != "normal"]
    assert np.median(attack) > np.median(normal)
    assert auditor.anomaly.flags(d.tables["account"]) <= set(scores)


def test_report_with_a_model(test_data, auditor):
    d = test_data[0]
    report = audit_report(d.scenario.chain, auditor=auditor)
    assert {f.by for f in report.findings} <= {"rules", "model", "rules+model"}
    assert "model" in " ".join(f.by for f in report.findings)


def test_classifier_refuses_bad_input(train):
    table = train[0].tables["token"]
    with pytest.raises(ValueError, match="not token classes"):
        train_classifier("token", table.X, ["copier"] * len(table), table.names)
    with pytest.raises(ValueError, match="no token rows"):
        train_classifier("token", table.X[:0], [], table.names)
    with pytest.raises(ValueError):
        train_auditor([])
    clf = train_classifier("token", table.X, train[0].truth["token"], table.names)
    wrong = train[0].tables["validator"]
    with pytest.raises(ValueError, match="features"):
        clf.predict(wrong)
