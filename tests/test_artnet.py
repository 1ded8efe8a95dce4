"""Tests for refimpl.artnet: the capstone art subnet (lesson 13)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from refimpl.art import render
from refimpl.artnet import (
    ART_VALIDATORS,
    ArtMiner,
    ArtNetError,
    ArtSubnet,
    Critic,
    Submission,
    adam_update,
    brief_score,
    critic_scores,
    example_images,
    find_duplicates,
    image_cid,
    is_valid_image,
    score_submissions,
    standard_art_miners,
    supply_ok,
    train_critic,
    weights_from_scores,
)
from refimpl.artnet.miners import miner_seed
from refimpl.nft import parse_metadata

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def examples():
    return example_images(per_style=10)


@pytest.fixture(scope="module")
def critics(examples):
    images, labels = examples
    honest = [n for n, _ in ART_VALIDATORS if n != "cabal"]
    return {
        n: train_critic(images, labels, seed=j, steps=60) for j, n in enumerate(honest)
    }


@pytest.fixture(scope="module")
def net(critics):
    return ArtSubnet(critics).run(3)


# ---------------------------------------------------------------- the brief
def test_brief_score_blank_noise_and_warm():
    blank = np.full((32, 32, 3), 230, np.uint8)
    noise = np.random.RandomState(0).randint(0, 256, (32, 32, 3)).astype(np.uint8)
    ramp = np.zeros((32, 32, 3), np.uint8)  # smooth dark-to-orange ramp: on brief
    t = np.linspace(0, 1, 32)[:, None]
    ramp[..., 0] = (255 * t).astype(np.uint8)
    ramp[..., 1] = (120 * t).astype(np.uint8)
    assert brief_score(blank) == 0.0
    assert brief_score(noise) == 0.0
    assert brief_score(ramp) > 0.4
    assert brief_score(ramp[..., ::-1].copy()) == 0.0  # the same ramp in blue


def test_example_images_shapes_and_determinism(examples):
    images, labels = examples
    again, labels2 = example_images(per_style=10)
    assert images.dtype == np.uint8 and images.shape[1:] == (32, 32, 3)
    assert images.shape[0] == labels.shape[0] == 10 * 6 + 20
    assert np.array_equal(images, again) and np.array_equal(labels, labels2)
    assert 0.0 <= labels.min() and labels.max() <= 1.0 and labels.max() > 0.2


# ---------------------------------------------------------------- the critic
def test_train_critic_is_deterministic_and_leaves_global_rng(examples):
    images, labels = examples
    state = torch.get_rng_state()
    a = train_critic(images, labels, seed=3, steps=5)
    assert torch.equal(torch.get_rng_state(), state)
    b = train_critic(images, labels, seed=3, steps=5)
    c = train_critic(images, labels, seed=4, steps=5)
    sa, sb, sc = (critic_scores(m, images[:20]) for m in (a, b, c))
    assert np.array_equal(sa, sb)
    assert not np.array_equal(sa, sc)
    assert sa.min() >= 0.0 and sa.max() <= 1.0


def test_train_critic_rejects_mismatched_labels(examples):
    images, labels = examples
    with pytest.raises(ValueError):
        train_critic(images, labels[:-1], steps=1)


def test_critic_learns_the_brief(critics):
    warm = np.stack([render(2_000_000 + k, "sunset", 32) for k in range(12)])
    grey = np.stack([render(2_000_000 + k, "ink", 32) for k in range(12)])
    for critic in critics.values():
        assert isinstance(critic, Critic)
        assert (
            critic_scores(critic, warm).mean()
            > critic_scores(critic, grey).mean() + 0.1
        )


# ---------------------------------------------------------------- miners
def test_miners_are_deterministic_and_the_copier_copies():
    miners = standard_art_miners()
    names = [m.name for m in miners]
    earlier: dict[str, Submission] = {}
    subs = []
    for uid, m in enumerate(miners):
        earlier[m.name] = m.submit(uid, 1, earlier)
        subs.append(earlier[m.name])
    again = miners[0].submit(0, 1)
    assert again.cid == subs[0].cid and again.seed == subs[0].seed
    copier, curator = subs[names.index("copier")], subs[names.index("curator")]
    assert copier.cid == curator.cid
    assert np.array_equal(copier.pixels, curator.pixels)
    spam1 = miners[names.index("spammer")].submit(6, 1)
    spam2 = miners[names.index("spammer")].submit(6, 2)
    assert spam1.cid != spam2.cid and spam1.style is None
    assert subs[1].seed == miner_seed(1, 1) == 20_100
    assert subs[0].seed in {miner_seed(0, 1, k) for k in range(4)}
    assert image_cid(subs[1].pixels) == subs[1].cid and subs[1].cid.startswith(
        "bafkrei"
    )


def test_copier_with_nothing_to_copy_sends_a_blank():
    sub = ArtMiner("c", "copier", target="nobody").submit(3, 1, {})
    assert not is_valid_image(sub.pixels)


def test_unknown_miner_kind():
    with pytest.raises(ValueError):
        ArtMiner("x", "thief")


# ---------------------------------------------------------------- validators
def test_is_valid_image():
    ok = render(5, "classic", 32)
    assert is_valid_image(ok)
    assert not is_valid_image(np.zeros((32, 32, 3), np.uint8))
    assert not is_valid_image(np.full((32, 32, 3), 200, np.uint8))
    assert not is_valid_image(ok.astype(np.float64))
    assert not is_valid_image(ok[:16])
    assert not is_valid_image([[1, 2, 3]])


def test_find_duplicates_copier_detection():
    cids = ["a", "b", "a", "c", "b"]
    assert find_duplicates(cids, [1, 1, 1, 1, 1]) == {2, 4}
    # the earliest-registered sender keeps the image, whatever its uid
    assert find_duplicates(cids, [5, 1, 1, 1, 1]) == {0, 4}
    assert find_duplicates(cids, [1] * 5, seen={"c"}) == {2, 3, 4}
    assert find_duplicates([], []) == set()
    with pytest.raises(ValueError):
        find_duplicates(["a"], [])


def test_scores_lazy_and_copier_are_exactly_zero(critics):
    miners = standard_art_miners()
    earlier: dict[str, Submission] = {}
    for uid, m in enumerate(miners):
        earlier[m.name] = m.submit(uid, 1, earlier)
    subs = list(earlier.values())
    scores = score_submissions(critics["val_a"], subs, [1] * len(subs))
    names = [m.name for m in miners]
    assert scores[names.index("lazy")] == 0.0
    assert scores[names.index("copier")] == 0.0
    assert scores[names.index("curator")] > 0.0
    # an image seen in an earlier epoch earns nothing, even from its author
    again = score_submissions(critics["val_a"], subs, [1] * len(subs), {subs[0].cid})
    assert again[0] == 0.0


def test_weights_from_scores_bar():
    w = weights_from_scores([0.0, 0.05, 0.5, 0.02], bar=0.05)
    assert w.tolist() == [0.0, 0.0, pytest.approx(0.45), 0.0]


# ---------------------------------------------------------------- on chain
def test_run_pays_honest_work_and_starves_the_rest(net):
    earn = net.earnings()
    assert earn.shape == (3, len(net.names))
    for name in ("lazy", "copier", "spammer"):
        assert earn[:, net.names.index(name)].sum() == 0
    assert earn[:, net.names.index("curator")].sum() > 0
    cabal = net.names.index("cabal")
    assert all(d[cabal] == 0.0 for d in net.history["dividends"])
    bal = net.balances()
    assert bal["copier"] == bal["lazy"] == bal["spammer"] == 0


def test_supply_is_conserved(net):
    assert supply_ok(net.chain.state)
    st = net.chain.state
    st.balances[net.owner] += 1  # a token from nowhere breaks it
    try:
        assert not supply_ok(st)
    finally:
        st.balances[net.owner] -= 1


def test_winner_is_minted_with_provenance_and_royalty(net):
    assert [w.token_id for w in net.winners] == [1, 2, 3]
    reg = net.chain.state.ext["nft"].registry
    for w, inc in zip(net.winners, net.history["incentive"], strict=True):
        assert w.uid == int(np.argmax(inc[: net.n_miners]))
        assert w.hotkey == net.address(w.miner)
        assert reg.owner_of(w.token_id) == w.hotkey
        assert reg.royalty_info(w.token_id, 10_000) == (w.hotkey, 500)
        md = parse_metadata(w.metadata, w.image_cid)
        assert md["subnet"]["miner"] == w.miner
        assert md["subnet"]["miner_hotkey"] == w.hotkey
        assert md["subnet"]["epoch"] == w.epoch
        assert md["seed"] == md["provenance"]["seed"] == w.seed
        sub = net.history["submissions"][w.epoch - 1][w.uid]
        assert (sub.style, sub.seed) == (w.style, w.seed)
        assert net.verify(w).ok


def test_run_is_deterministic(net, critics):
    other = ArtSubnet(critics).run(3)
    assert [(w.uid, w.seed, w.image_cid) for w in other.winners] == [
        (w.uid, w.seed, w.image_cid) for w in net.winners
    ]
    assert np.array_equal(other.earnings(), net.earnings())
    assert other.chain.tip.hash() == net.chain.tip.hash()


def test_prepare_winner_refuses_what_cannot_be_re_rendered(net):
    noise = Submission(
        6, 9, np.random.RandomState(1).randint(0, 256, (32, 32, 3)).astype(np.uint8)
    )
    with pytest.raises(ValueError, match="no \\(style, seed\\)"):
        net.prepare_winner(noise)
    liar = Submission(1, 9, render(7, "sunset", 32), "sunset", 8)
    with pytest.raises(ValueError, match="not what its seed renders"):
        net.prepare_winner(liar)


def test_a_forged_winner_file_fails_verification(net):
    w = net.winners[0]
    forged = type(w)(**{**w.__dict__, "png": net.winners[1].png})
    assert not net.verify(forged).ok


def test_adam_update_matches_the_paper():
    """Kingma and Ba (2015), Algorithm 1, in float64 numpy, for three steps."""
    rng = np.random.RandomState(0)
    p0 = rng.randn(5)
    grads = [rng.randn(5) for _ in range(3)]
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    p_ref, m, v = p0.copy(), np.zeros(5), np.zeros(5)
    p = torch.tensor(p0, requires_grad=True)
    moments = [
        (torch.zeros(5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64))
    ]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        p_ref = p_ref - lr * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        p.grad = torch.tensor(g)
        adam_update([p], moments, t, lr)
        assert p.grad is None
    assert np.allclose(p.detach().numpy(), p_ref, rtol=0, atol=1e-12)
    # first step moves each coordinate by about lr, against the gradient's sign
    q = torch.tensor(p0, requires_grad=True)
    q.grad = torch.tensor(grads[0])
    zeros = (torch.zeros(5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64))
    adam_update([q], [zeros], 1, lr)
    assert np.allclose(p0 - q.detach().numpy(), lr * np.sign(grads[0]), atol=1e-6)


def test_errors_are_one_family():
    assert issubclass(ArtNetError, ValueError)
    with pytest.raises(ArtNetError):
        ArtMiner("x", "thief")
    with pytest.raises(ArtNetError):
        find_duplicates(["a"], [])


def test_a_refused_mint_leaves_every_state_unchanged(net):
    before = (
        net.chain.height,
        net.chain.tip.hash(),
        len(net.winners),
        dict(net.balances()),
    )
    noise = Submission(
        6, 9, np.random.RandomState(2).randint(0, 256, (32, 32, 3)).astype(np.uint8)
    )
    with pytest.raises(ArtNetError):
        net.mint_winner(noise)
    after = (
        net.chain.height,
        net.chain.tip.hash(),
        len(net.winners),
        dict(net.balances()),
    )
    assert after == before
