"""The one "subnet on a chain" harness that lessons 09 and 13 share."""

from __future__ import annotations

import numpy as np
import pytest

from refimpl.chain import ChainParams
from refimpl.market.harness import GENESIS_TOKENS, SubnetHarness, course_key
from refimpl.market.subnet import total_stake


class Fixed(SubnetHarness):
    """Three miners, two validators with fixed rows (no models, no torch)."""

    def __init__(self, rows):
        super().__init__(
            ["m0", "m1", "m2"],
            (("v_a", 3000), ("v_b", 1000)),
            lambda i, cold=False: course_key(0x5EED_0000, i, cold),
            tempo=4,
            emission_per_block=100,
            chain_params=ChainParams(chain_id=21, genesis_bits=0x207FFFFF),
        )
        self.rows = rows

    def step(self):
        self.set_weights(self.rows)
        self.mine_to_epoch()
        self.record()


def test_setup_registers_stakes_and_reaches_the_first_epoch():
    h = Fixed({})
    h.setup()
    mg = h.subnet.metagraph()
    assert h.chain.height == 4 and mg.n == 5
    assert mg.hotkeys == [h.address(n) for n in h.names]
    assert mg.stake.tolist() == [0, 0, 0, 3000, 1000]
    assert mg.validator_permit.tolist() == [False, False, False, True, True]
    st = h.chain.state
    assert st.supply == sum(st.balances.values()) + total_stake(st)
    assert st.balance(h.coldkeys[3].public_key.address) == GENESIS_TOKENS - 3000


def test_epochs_pay_by_the_rows_and_record_history():
    h = Fixed({"v_a": np.array([1.0, 0.5, 0.0]), "v_b": np.array([1.0, 0.5, 0.0])})
    h.run(2)
    assert h.chain.height == 12 and len(h.history["incentive"]) == 2
    earn = h.earnings()
    assert earn.shape == (2, 5) and earn.dtype == np.int64
    assert earn[1, 0] > earn[1, 1] > 0 and earn[1, 2] == 0
    assert earn[1].sum() == 4 * 100 - 4 * 100 * 18 // 100  # the owner took 18%
    bal = h.balances()
    assert bal["m0"] == earn[:, 0].sum() and set(bal) == set(h.names)


def test_missing_or_all_zero_rows_send_nothing():
    h = Fixed({"v_a": np.zeros(3)})  # v_b has no row, v_a's is all zero
    h.setup()
    before = h.chain.height
    h.set_weights(h.rows)
    assert h.chain.height == before + 1
    assert len(h.chain.tip.txs) == 1  # the coinbase only


def test_the_lesson_harnesses_share_it():
    from refimpl.artnet.subnet_run import ArtSubnet, art_key
    from refimpl.market.simulation import Market, neuron_key

    assert issubclass(Market, SubnetHarness) and issubclass(ArtSubnet, SubnetHarness)
    assert neuron_key(3, cold=True) == course_key(0xC0FFEE00, 3, True)
    assert art_key(2) == course_key(0xA47_0000, 2)
    with pytest.raises(NotImplementedError):
        SubnetHarness.step(Fixed({}))
