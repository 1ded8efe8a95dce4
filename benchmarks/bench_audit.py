"""Lesson 14's costs: labelled scenarios on chain, features, training, the report.

Rows: (what, figure, unit, ratio vs baseline, baseline description).

* One scenario built cold (keys, ~190 signatures and their verification, 36
  blocks), against the same scenario rebuilt with every signature cached: the
  ratio is what py-ecc's signing and verifying cost.
* Feature extraction for one chain, against re-validating that chain (which
  ``audit_report`` does first).
* Training the auditor on four scenarios, and the lesson's whole data + training
  path against the 90 s budget of a training lesson. One torch thread.
"""

from __future__ import annotations

import time

import torch

from refimpl.audit import build_dataset, chain_features, make_scenario, train_auditor
from refimpl.audit.report import verify_chain

Row = tuple[str, float, str, float, str]
BUDGET_S = 90.0


def _time(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def run() -> list[Row]:
    torch.set_num_threads(1)
    cold, scenario = _time(lambda: make_scenario(9001))
    warm, _ = _time(lambda: make_scenario(9001))
    feats, _ = _time(lambda: chain_features(scenario.chain))
    verify, _ = _time(lambda: verify_chain(scenario.chain))
    data_s, train = _time(lambda: build_dataset(range(9002, 9006)))
    fit_s, _ = _time(lambda: train_auditor(train))
    total = 2 * data_s + fit_s  # the lesson builds 4 + 4 scenarios, trains once
    txs = sum(len(b.txs) - 1 for b in scenario.chain.all_blocks())
    return [
        (f"scenario, cold ({txs} signed txs)", cold, "s", cold / warm,
         "same scenario, signatures cached"),
        ("features of one chain", feats, "s", feats / verify,
         "re-validating that chain"),
        ("4 labelled scenarios", data_s, "s", data_s / BUDGET_S, "90 s lesson budget"),
        ("train the auditor (3 MLPs + autoencoder)", fit_s, "s", fit_s / BUDGET_S,
         "90 s lesson budget"),
        ("lesson 14 data + training", total, "s", total / BUDGET_S,
         "90 s lesson budget"),
    ]  # fmt: skip


if __name__ == "__main__":
    for what, fig, unit, ratio, base in run():
        print(f"{what:45s} {fig:10.3f} {unit:4s} {ratio:8.3f}x  vs {base}")
