"""refimpl.audit: the feature functions, labelled scenarios, rules and audit_report."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.audit import (
    ATTACKS,
    RULES,
    AuditError,
    Rule,
    audit_report,
    chain_features,
    conflicting_nonces,
    cycle_lengths,
    epoch_records,
    make_scenario,
    max_in_window,
    pearson,
    precision_recall,
    price_path,
    rule_predictions,
    tx_records,
    verify_chain,
)
from refimpl.audit.scenarios import scenario_params
from refimpl.chain import Block, Chain, Transaction
from refimpl.crypto import PrivateKey
from refimpl.market.subnet import Subnet
from refimpl.nft.onchain import NFTExtension

SEED = 3


@pytest.fixture(scope="module")
def scenario():
    return make_scenario(SEED)


@pytest.fixture(scope="module")
def tables(scenario):
    return chain_features(scenario.chain)


def _only(scenario, kind, attack):
    return {e for e, a in scenario.labels[kind].items() if a == attack}


# -- the small functions ------------------------------------------------------------
def test_pearson_known_values():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert pearson([1, 1, 1], [1, 2, 3]) == 0.0
    assert pearson([5], [7]) == 0.0
    assert pearson([1, 0, 0, 1], [0, 1, 1, 0]) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        pearson([1, 2], [1, 2, 3])


_ints = st.integers(-1000, 1000)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(_ints, min_size=2, max_size=12).flatmap(
        lambda a: st.tuples(
            st.just(a), st.lists(_ints, min_size=len(a), max_size=len(a))
        )
    ),
    st.integers(1, 50),
)
def test_pearson_is_symmetric_bounded_and_scale_free(ab, k):
    a, b = ab
    r = pearson(a, b)
    assert -1 - 1e-9 <= r <= 1 + 1e-9
    assert r == pytest.approx(pearson(b, a), abs=1e-9)
    assert pearson([k * x + 3 for x in a], b) == pytest.approx(r, abs=1e-9)


def test_conflicting_nonces():
    assert conflicting_nonces([("a", 0, "t1"), ("a", 0, "t1")]) == {}
    assert conflicting_nonces([("a", 0, "t1"), ("a", 0, "t2"), ("b", 0, "t3")]) == {
        "a": [0]
    }
    got = conflicting_nonces(
        [("a", 3, "x"), ("a", 1, "y"), ("a", 1, "z"), ("a", 3, "w")]
    )
    assert got == {"a": [1, 3]}
    assert conflicting_nonces([]) == {}


def test_max_in_window():
    assert max_in_window([3, 3, 4, 9], 1) == 2
    assert max_in_window([3, 3, 4, 9], 2) == 3
    assert max_in_window([3, 3, 4, 9], 10) == 4
    assert max_in_window([], 3) == 0
    with pytest.raises(ValueError):
        max_in_window([1], 0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 50), max_size=20), st.integers(1, 60))
def test_max_in_window_bounds(heights, window):
    got = max_in_window(heights, window)
    assert (got == 0) == (not heights)
    assert got <= len(heights)
    assert max_in_window(heights, 100) == len(heights)
    assert max_in_window(heights, window + 1) >= got


def test_cycle_lengths_and_price_path():
    assert cycle_lengths(["A", "B", "A"]) == [2]
    assert cycle_lengths(["A", "B", "C", "A", "B"]) == [3, 3]
    assert cycle_lengths(["A", "B", "C", "D"]) == []
    assert cycle_lengths(["A", "B", "B"]) == [1]
    assert price_path([100, 150, 120, 200]) == (pytest.approx(2 / 3), 2.0)
    assert price_path([100]) == (0.0, 1.0)
    assert price_path([300, 200, 100]) == (0.0, pytest.approx(1 / 3))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from("ABCDE"), min_size=1, max_size=15))
def test_cycles_count_returns(owners):
    cycles = cycle_lengths(owners)
    assert len(cycles) == len(owners) - len(set(owners))
    assert all(1 <= c < len(owners) for c in cycles)


def test_precision_recall():
    assert precision_recall({"a", "b"}, {"a", "c", "d"}) == (0.5, pytest.approx(1 / 3))
    assert precision_recall(set(), {"a"}) == (0.0, 0.0)
    assert precision_recall({"a"}, set()) == (0.0, 0.0)


# -- scenarios ------------------------------------------------------------------------
def test_scenario_is_deterministic(scenario):
    again = make_scenario(SEED)
    assert again.chain.tip.hash() == scenario.chain.tip.hash()
    assert again.labels == scenario.labels
    assert make_scenario(SEED + 1).chain.tip.hash() != scenario.chain.tip.hash()


def test_scenario_has_every_attack_and_a_stale_branch(scenario):
    for kind, attacks in ATTACKS.items():
        assert set(scenario.labels[kind].values()) == set(attacks), kind
    chain = scenario.chain
    assert len(chain.all_blocks()) == chain.height + 2  # one stale block
    assert chain.reorgs and chain.height == 35
    assert len(scenario.log) == 5
    verify_chain(chain)


def test_scenario_arguments_are_checked():
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError):
            make_scenario(bad)
    with pytest.raises(ValueError):
        make_scenario(1, epochs=1)
    with pytest.raises(ValueError):
        make_scenario(1, copier_mode="psychic")
    with pytest.raises(ValueError):
        make_scenario(1, copier_noise=-1)


def test_records_see_both_branches(scenario):
    records = tx_records(scenario.chain)
    stale = [r for r in records if not r.main]
    assert len(stale) == 1 and stale[0].kind == "transfer"
    (attacker,) = _only(scenario, "account", "double_spend")
    assert stale[0].sender == attacker
    twin = [r for r in records if r.sender == attacker and r.nonce == stale[0].nonce]
    assert len(twin) == 2 and twin[0].height == twin[1].height
    assert twin[0].txid != twin[1].txid
    epochs = epoch_records(scenario.chain)
    assert [e.height for e in epochs] == list(range(5, 36, 5))


def test_epoch_records_read_the_metagraph(scenario):
    """The auditor reads the subnet through its metagraph, never the raw state."""
    epochs = epoch_records(scenario.chain)
    for e in epochs:
        entry = scenario.chain.entry(bytes.fromhex(e.block)[::-1])
        mg = scenario.subnet.metagraph(entry.state, block=e.height)
        assert e.metagraph.block == e.height and e.metagraph.hotkeys == mg.hotkeys
        assert np.array_equal(e.metagraph.consensus, mg.consensus)
        assert e.ns["consensus"] == mg.consensus.tolist()  # lesson 14 reads this
        assert e.ns["hotkeys"] == mg.hotkeys
    assert epochs[-1].metagraph.consensus.any()
    assert epoch_records(_small_chain()) == []  # no subnet on the chain


# -- features ------------------------------------------------------------------
def test_account_features_point_at_the_attackers(scenario, tables):
    acc = tables["account"]
    labelled = set().union(*(set(v) for v in scenario.labels.values()))
    assert {e for e in scenario.labels["account"]} <= set(acc.ids)
    assert labelled - set(acc.ids) <= set(scenario.labels["validator"]) | {
        e for e in labelled if e.startswith("#")
    }
    conflicts = {e for e in acc.ids if acc.row(e)["conflicting_nonces"] > 0}
    assert conflicts == _only(scenario, "account", "double_spend")
    (duster,) = _only(scenario, "account", "dusting")
    row = acc.row(duster)
    assert row["distinct_recipients"] >= 12 and row["median_out_amount"] <= 15
    for sybil in _only(scenario, "account", "sybil"):
        assert acc.row(sybil)["idle_hotkeys"] == acc.row(sybil)["registrations"] >= 2
    normal = [e for e in acc.ids if scenario.label("account", e) == "normal"]
    assert all(acc.row(e)["idle_hotkeys"] <= 1 for e in normal)


def test_validator_features_separate_the_copier(scenario, tables):
    val = tables["validator"]
    assert len(val) == 6
    (copier,) = _only(scenario, "validator", "copier")
    row = val.row(copier)
    assert row["corr_prev"] >= 0.99 and row["copy_gap"] > 0.1
    for e in val.ids:
        if e != copier:
            assert val.row(e)["copy_gap"] < 0 and val.row(e)["corr_next"] > 0.9
    assert len(val.evidence[copier]["weights"]) == row["rounds"] == 5


def test_token_features_of_wash_tokens(scenario, tables):
    tok = tables["token"]
    assert tok.ids == sorted(tok.ids, key=lambda t: int(t[1:]))
    for t in _only(scenario, "token", "wash_trade"):
        row = tok.row(t)
        assert row["sales"] >= 3 and row["rise_fraction"] == 1.0
        assert row["price_growth"] > 1.2
        assert len(tok.evidence[t]["sales"]) >= 2


def test_rules_are_readable_and_catch_the_obvious(scenario, tables):
    assert {r.kind for r in RULES} == set(ATTACKS)
    assert all(r.text for r in RULES)
    pred = rule_predictions(tables)
    flagged = {e for e, a in pred["account"].items() if a == "double_spend"}
    assert flagged == _only(scenario, "account", "double_spend")
    assert {e for e, a in pred["validator"].items() if a == "copier"} == _only(
        scenario, "validator", "copier"
    )
    assert set(pred) == {"account", "validator", "token"}


def test_a_rule_tests_exactly_what_its_text_says():
    (dusting,) = [r for r in RULES if r.attack == "dusting"]
    assert dusting.conditions == (
        ("distinct_recipients", ">=", 10.0),
        ("median_out_amount", "<=", 100.0),
    )
    row = {"distinct_recipients": 10, "median_out_amount": 100}
    assert dusting(row) is True
    assert dusting({**row, "median_out_amount": 100.5}) is False
    assert Rule("x", "account", "a > 1 and b < 2")({"a": 1.5, "b": 1}) is True
    assert Rule("x", "account", "a > 1 and b < 2")({"a": 1, "b": 1}) is False
    for bad in ["", "a => 1", "a >= one", "a >= nan", "a >= 1 or b < 2", None]:
        with pytest.raises(AuditError):
            Rule("x", "account", bad)


# -- the report ----------------------------------------------------------------
def test_report_lists_findings_with_blocks(scenario):
    chain = scenario.chain
    before = (
        chain.tip.hash(),
        chain.state.snapshot()["balances"],
        len(chain.all_blocks()),
    )
    report = audit_report(chain)
    after = (
        chain.tip.hash(),
        chain.state.snapshot()["balances"],
        len(chain.all_blocks()),
    )
    assert before == after
    assert report.flagged("account", "double_spend") == _only(
        scenario, "account", "double_spend"
    )
    (ds,) = [f for f in report.findings if f.attack == "double_spend"]
    assert (
        len(ds.blocks) == 2 and ds.blocks[0].split(":")[0] == ds.blocks[1].split(":")[0]
    )
    assert ds.by == "rules" and "conflicting_nonces=1" in ds.evidence()
    text = report.table(names=scenario.roles)
    assert text.startswith(f"audit of the chain at height {chain.height}")
    assert "double_spender" in text and "copier" in text
    assert str(report) == report.table()


def test_report_on_an_empty_chain():
    chain = Chain(scenario_params(), [Subnet(), NFTExtension()])
    report = audit_report(chain)
    assert report.findings == [] and report.height == 0
    assert "nothing to audit" in report.notes[0]
    assert "no findings" in report.table()


def _small_chain(extensions=()):
    key = PrivateKey(424242)
    alloc = {key.public_key.address: 10_000}
    chain = Chain(scenario_params(), list(extensions), alloc, clock=lambda: 2e9)
    miner = PrivateKey(99).public_key.address
    sender = key.public_key.to_bytes(compressed=True)
    for nonce in range(2):
        tx = Transaction(sender, miner, 100 + nonce, 1, nonce, 14).sign(key)
        chain.mine_block([tx], miner)
    return chain


def test_report_without_subnet_or_nfts():
    report = audit_report(_small_chain())
    assert report.findings == []
    assert any("no subnet" in n for n in report.notes)
    assert any("no NFT" in n for n in report.notes)
    assert report.counts == {"account": 1, "validator": 0, "token": 0}
    report = audit_report(_small_chain([Subnet(), NFTExtension()]))
    assert any("nobody set weights" in n for n in report.notes)
    assert any("no NFTs minted" in n for n in report.notes)


def test_report_refuses_a_tampered_block():
    chain = _small_chain()
    entry = chain.entry(chain.main_chain()[1].hash())
    tx = entry.block.txs[1]
    forged = dataclasses.replace(tx, amount=9_000)  # keeps the old signature
    entry.block = Block(entry.block.header, (entry.block.txs[0], forged))
    with pytest.raises(AuditError, match="fails validation"):
        audit_report(chain)


def test_report_refuses_a_tampered_state():
    chain = _small_chain()
    chain.state.balances[PrivateKey(99).public_key.address] += 1
    with pytest.raises(AuditError, match="state at the tip"):
        audit_report(chain)


def test_report_refuses_a_tampered_subnet_state():
    chain = _small_chain([Subnet(), NFTExtension()])
    chain.state.ext["subnet"].epochs += 1  # the typed state is compared too
    with pytest.raises(AuditError, match="'subnet' state does not follow"):
        audit_report(chain)


def test_report_refuses_what_is_not_a_chain():
    for bad in (None, "chain.sqlite", [1, 2]):
        with pytest.raises(AuditError, match="takes a Chain"):
            audit_report(bad)


def test_feature_tables_of_an_empty_chain_have_the_right_shape():
    tables = chain_features(Chain(scenario_params(), [Subnet(), NFTExtension()]))
    for t in tables.values():
        assert t.X.shape == (0, len(t.names)) and t.rows() == []
    assert np.all(rule_predictions(tables)["account"] == {})


def test_lesson_14_check_uses_the_package_token_features():
    """One definition: l14 shows the learner refimpl.audit's own token names."""
    from refimpl.audit import TOKEN_FEATURES
    from refimpl.course.checks import l14

    assert l14.TOKEN_NAMES is TOKEN_FEATURES


def _loaded_after(code: str) -> dict:
    """Which of torch / refimpl.audit.models a fresh interpreter holds after code."""
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps({m: m in sys.modules for m in "
        "('torch', 'refimpl.audit', 'refimpl.audit.models')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.splitlines()[-1])


def test_importing_the_lesson_14_checks_does_not_import_torch():
    loaded = _loaded_after("import refimpl.course.checks.l14")
    assert loaded == {
        "torch": False,
        "refimpl.audit": True,
        "refimpl.audit.models": False,
    }


def test_a_model_name_imports_torch_on_first_use():
    """The lazy names (PEP 562) still work, in every import form, and load torch."""
    loaded = _loaded_after(
        "import refimpl.audit as a\n"
        "assert 'torch' not in __import__('sys').modules\n"
        "from refimpl.audit import train_auditor, audit_report\n"
        "from refimpl.audit import *\n"
        "assert a.Auditor is __import__('refimpl.audit.models').audit.models.Auditor\n"
        "assert {'Auditor', 'verify_chain'} <= set(dir(a)) and callable(Classifier)"
    )
    assert all(loaded.values()), loaded


def test_an_unknown_audit_name_is_an_attribute_error():
    import refimpl.audit

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        refimpl.audit.nope  # noqa: B018


@pytest.mark.parametrize("seed", [272, 305, 311])
def test_a_long_wash_ring_late_in_the_run_still_fits(seed):
    # a sale takes up to 3 blocks; these seeds drew a 5-6 sale ring too late and
    # raised "action planned ... outside the run" before the ring was moved earlier
    scenario = make_scenario(seed)
    labels = scenario.labels["token"].values()
    assert "wash_trade" in labels
    rings = [line for line in scenario.log if line.startswith("wash trading")]
    last_sale = max(int(line.rsplit("-", 1)[1]) for line in rings)
    assert last_sale <= scenario.chain.height
