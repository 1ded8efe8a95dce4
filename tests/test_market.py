"""Task, miners behind axons, and the three validators of lesson 07."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from refimpl.market.axon import Axon, Dendrite, Predict
from refimpl.market.miners import MINER_KINDS, standard_miners
from refimpl.market.task import Task
from refimpl.market.validators import (
    LossValidator,
    gate_scores,
    loss_rewards,
    prune_scores,
    query_miners,
    train_gate,
    update_scores,
)
from refimpl.market.weights import weights_to_u16

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def miners():
    return standard_miners(Task(), steps=200)


def test_task_is_seeded_and_private_streams_differ():
    a, b = Task(), Task()
    xa, ya = a.sample(5, 3)
    xb, yb = b.sample(5, 3)
    assert torch.equal(xa, xb) and torch.equal(ya, yb)
    assert xa.shape == (5, 8) and ya.shape == (5, 1) and xa.dtype == torch.float32
    s1, s2 = a.stream(1), a.stream(2)
    assert not torch.equal(s1.next(4)[0], s2.next(4)[0])
    assert not torch.equal(a.stream(1).next(4)[0], a.train_set(4)[0])
    assert not torch.equal(Task(seed=1).sample(5, 3)[1], ya)


def test_axon_dendrite_synapse_shapes():
    def forward(syn: Predict) -> Predict:
        syn.prediction = syn.x.sum(dim=1, keepdim=True)
        return syn

    def broken(syn: Predict) -> Predict:
        raise RuntimeError("out of memory")

    request = Predict(x=torch.ones(3, 8))
    out = Dendrite()([Axon("a", forward), Axon("b", broken)], request)
    assert out[0].status_code == 200 and out[0].axon_hotkey == "a"
    assert torch.equal(out[0].deserialize(), torch.full((3, 1), 8.0))
    assert out[1].status_code == 500 and "out of memory" in out[1].status_message
    assert out[1].deserialize() is None
    assert request.prediction is None and request.status_code == 0  # untouched


def test_standard_miners(miners):
    assert len(miners) == 10
    assert {m.kind for m in miners} == set(MINER_KINDS)
    x, y = Task().sample(512, 77)
    loss = {m.name: float(((m.predict(x) - y) ** 2).mean()) for m in miners}
    base = float((y**2).mean())
    assert loss["lazy_zero"] == pytest.approx(base)
    assert loss["honest_big"] < 0.3 * base and loss["honest_mid"] < 0.3 * base
    assert loss["adversarial"] > base and loss["random_init"] > 0.5 * base
    assert torch.equal(miners[7].predict(x), miners[0].predict(x))  # the copier
    assert torch.equal(miners[8].predict(x), -miners[0].predict(x))
    assert loss["undertrained"] > loss["honest_mid"]


def test_loss_rewards_beat_trivial_answer():
    y = torch.tensor([[1.0], [-1.0], [2.0], [0.0]])
    preds = [
        y.clone(),
        torch.zeros(4, 1),
        -y,
        None,
        torch.zeros(3, 1),
        torch.full((4, 1), float("nan")),
        y + 0.5,
    ]
    r = loss_rewards(preds, y)
    assert r[0] == 1.0 and r[1] == 0.0 and r[2] == 0.0
    assert r[3] == r[4] == r[5] == 0.0
    assert r[6] == pytest.approx(1 - 0.25 / 1.5)


def test_loss_rewards_all_zero_targets_pay_nobody():
    y = torch.zeros(4, 1)
    r = loss_rewards([y.clone(), torch.ones(4, 1), None], y)
    assert r.tolist() == [0.0, 0.0, 0.0]


def test_update_scores_is_the_template_moving_average():
    s = update_scores(np.array([1.0, 0.5, 0.2]), np.array([1.0, np.nan]), [0, 2])
    assert np.allclose(s, [1.0, 0.45, 0.18])  # uid 1 unqueried decays; NaN -> 0


def test_loss_validator_ranks_and_drops_bad_miners(miners):
    axons = [m.axon() for m in miners]
    v = LossValidator(Task().stream(1), len(miners))
    for _ in range(20):
        v.step(axons, batch=128)
    uids, w = weights_to_u16(range(10), v.scores)
    assert {0, 1, 7}.issubset(uids)
    assert {5, 6, 8}.isdisjoint(uids)  # lazy, random, adversarial: exactly 0
    assert v.scores[0] == v.scores[7]  # copier ties its source
    assert max(w) == 65535


def test_gate_and_prune(miners):
    task = Task()
    s = task.stream(5)
    x, y = s.next(512)
    xh, yh = s.next(512)
    axons = [m.axon() for m in miners]
    d = Dendrite()
    gate = train_gate(x, y, query_miners(d, axons, x), steps=100)
    g = gate_scores(gate, xh)
    assert g.shape == (10,) and g.sum() == pytest.approx(1.0)
    assert g[0] == g[7]  # identical answers, identical gates (zero init)
    assert g[0] > g[5] and g[1] > g[8]
    p = prune_scores(gate, xh, yh, query_miners(d, axons, xh))
    assert p[5] == 0.0  # removing a zero answer changes nothing
    assert (p >= 0).all() and p[1] > p[8]
