"""The whole market on chain (lesson 09) and the commit-reveal toy."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from refimpl.market.commit_reveal import copier_toy, quality_schedule
from refimpl.market.miners import standard_miners
from refimpl.market.simulation import Market
from refimpl.market.subnet import total_stake
from refimpl.market.task import Task

torch.set_num_threads(1)


def test_commit_reveal_toy_copier_falls_behind():
    live = copier_toy(0)
    late = copier_toy(1)
    later = copier_toy(2)
    assert live.copier_ratio == pytest.approx(1.0)
    assert later.copier_ratio < late.copier_ratio < 0.95
    assert np.allclose(live.dividends.sum(axis=1), 1.0)
    assert late.validator_trust[:, :-1] == pytest.approx(1.0)
    assert quality_schedule(4, miners=3, period=1).argmax(axis=1).tolist() == [
        0,
        1,
        2,
        0,
    ]


def test_market_on_chain_pays_honest_miners_and_conserves_supply():
    task = Task()
    m = Market(task=task, miners=standard_miners(task, steps=150), gate_steps=40)
    m.run(3)
    st = m.chain.state
    assert st.supply == sum(st.balances.values()) + total_stake(st)
    assert m.chain.height == 5 * 4
    bal = m.balances()
    for starved in ("lazy_zero", "random_init", "copier_of_0", "adversarial"):
        assert bal[starved] == 0
    assert bal["honest_big"] > 0 and bal["honest_mid"] > 0
    incentive = np.array(m.history["incentive"])
    assert incentive.shape == (3, 14)
    assert incentive[-1, m.names.index("adversarial")] == 0.0
    dividends = np.array(m.history["dividends"])[-1]
    assert dividends[m.names.index("cabal")] < 0.2 / 2
    owner = st.balance(m.owner)
    assert owner == 18 * 5 * 1000 * 4 // 100  # 18% of every epoch's emission
