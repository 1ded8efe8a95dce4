"""Lessons 00-07: each check's private reference equals the refimpl code it mirrors.

Where a check cannot call refimpl directly (another signature, an inverse), these tests
hold the two equal on many random and edge inputs (issue 12 §3).
"""

import random

from refimpl.course.checks import l00, l01
from refimpl.crypto.sha256 import pad, rotr


def test_l00_hex_round_trip():
    rng = random.Random(0)
    for n in list(range(0, 40)) + [1000]:
        data = bytes([0] * (n % 3)) + rng.randbytes(n)
        text = l00._to_hex(data)
        assert l00._from_hex(text) == data
        assert l00._from_hex("0x" + text) == data == l00._from_hex("0X" + text.upper())


def test_l01_rotl_undoes_refimpl_rotr():
    rng = random.Random(1)
    words = [0, 1, 0x80000000, 0xFFFFFFFF] + [rng.getrandbits(32) for _ in range(200)]
    for x in words:
        for n in range(1, 32):
            assert l01._rotl(rotr(x, n), n) == x
            assert rotr(l01._rotl(x, n), n) == x


def test_l01_unpad_inverts_refimpl_pad():
    rng = random.Random(2)
    lengths = list(range(0, 200)) + [1000, 4096]
    for n in lengths:
        message = rng.choice([b"\x00", b"\x80", b"x"]) * (n % 5) + rng.randbytes(n)
        assert l01._unpad(pad(message)) == message


def test_l01_leading_zero_bits_counts_bits():
    rng = random.Random(3)
    for n in range(0, 40):
        for _ in range(20):
            data = bytes(rng.randrange(4)) + rng.randbytes(n)
            text = "".join(f"{b:08b}" for b in data)
            assert l01._leading_zero_bits(data) == len(text) - len(text.lstrip("0"))


def test_l01_sha224_h0_is_hashlibs():
    import hashlib

    from refimpl.crypto.sha256 import compress

    state = compress(tuple(l01._SHA224_H0), pad(b"abc"))
    digest = b"".join(x.to_bytes(4, "big") for x in state[:7])
    assert digest == hashlib.sha224(b"abc").digest()


def test_l02_ec_add_agrees_with_py_ecc_on_secp256k1():
    from py_ecc.secp256k1 import secp256k1 as ec

    from refimpl.course.checks import l02

    rng = random.Random(4)
    for _ in range(30):
        a_k, b_k = rng.randrange(1, 2**64), rng.randrange(1, 2**64)
        p1, p2 = ec.multiply(ec.G, a_k), ec.multiply(ec.G, b_k)
        assert l02._add_any(p1, p2, 0, ec.P) == ec.add(p1, p2)
        assert l02._add_any(p1, p1, 0, ec.P) == ec.add(p1, p1)
    p1 = ec.multiply(ec.G, 5)
    assert l02._add_any(p1, (p1[0], ec.P - p1[1]), 0, ec.P) is None


def test_l02_ec_add_has_order_n_on_p256():
    from refimpl.course.checks import l02

    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    acc, base = None, l02._P256_G
    for bit in bin(n)[2:]:
        acc = l02._add_any(acc, acc, -3, l02._P256)
        if bit == "1":
            acc = l02._add_any(acc, base, -3, l02._P256)
    assert acc is None  # n·G is the point at infinity: the formula is P-256's


def test_l03_read_compact_size_inverts_refimpl_writer():
    from refimpl.chain.encoding import write_compact_size
    from refimpl.course.checks import l03

    values = [
        0,
        1,
        0xFC,
        0xFD,
        0xFE,
        0xFF,
        0xFFFF,
        0x10000,
        2**32 - 1,
        2**32,
        2**64 - 1,
    ]
    rng = random.Random(5)
    values += [rng.getrandbits(rng.choice((8, 16, 32, 64))) for _ in range(200)]
    for n in values:
        raw = write_compact_size(n)
        assert l03._read_compact_size(raw + b"\x07\x08") == (n, len(raw))
        if len(raw) > 1:
            assert l03._read_compact_size(raw[:-1]) is None


def test_l03_proof_index_and_indexed_verify_agree_with_refimpl():
    from refimpl.chain import merkle_proof, merkle_root, verify_merkle_proof
    from refimpl.course.checks import l03

    for n in list(range(1, 20)) + [33, 64, 65]:
        leaves = [l03._leaf(i) for i in range(n)]
        root = merkle_root(leaves)
        for i in range(n):
            proof = merkle_proof(leaves, i)
            assert l03._proof_index(proof) == i
            branch = [s for s, _ in proof]
            assert l03._verify_indexed(leaves[i], i, branch, root)
            assert verify_merkle_proof(leaves[i], proof, root)
            other = (i + 1) % n
            assert l03._verify_indexed(leaves[other], i, branch, root) == (
                verify_merkle_proof(leaves[other], proof, root)
            )


def test_l03_can_apply_agrees_with_refimpl_ledger():
    from refimpl.chain import (
        BlockContext,
        InvalidTransaction,
        Ledger,
        State,
        Transaction,
    )
    from refimpl.course.checks import l03
    from refimpl.crypto import PrivateKey

    key = PrivateKey(4242)
    me, other = key.public_key.address, PrivateKey(4243).public_key.address
    sender = key.public_key.to_bytes()
    ctx = BlockContext(
        height=1, timestamp=0, miner=other, block_hash=bytes(32), chain_id=1
    )
    big = l03.MAX_AMOUNT
    rng = random.Random(6)
    cases = [
        (100, 0, 100, 0, 0),
        (100, 0, 99, 1, 0),
        (100, 0, 100, 1, 0),
        (100, 2, 5, 0, 1),
        (100, 2, 5, 0, 3),
        (2**64, 0, big, 0, 0),
        (2**64, 0, big, 1, 0),
        (big, 0, big, 0, 0),
    ]
    cases += [
        (rng.randrange(0, 50), rng.randrange(3), rng.randrange(-3, 50),
         rng.randrange(-2, 5), rng.randrange(3))
        for _ in range(60)
    ]  # fmt: skip
    for balance, next_nonce, amount, fee, nonce in cases:
        state = State(balances={me: balance}, nonces={me: next_nonce}, supply=balance)
        try:
            tx = Transaction(sender, other, amount, fee, nonce, 1).sign(key)
            Ledger().check(state, tx, ctx)
            ok = True
        except (InvalidTransaction, ValueError):
            ok = False
        want = l03._can_apply(balance, next_nonce, amount, fee, nonce)
        assert want == ok, (balance, next_nonce, amount, fee, nonce)


def test_l05_race_formula_with_no_head_start_is_refimpls_race():
    """05.4's formula (used for a head start) at head_start = 0 is the exact race;
    a head start only helps, and z of them with ties winning always win."""
    from refimpl.chain import race_success_probability
    from refimpl.course.checks import l05

    rng = random.Random(11)
    qs = [0.0, 0.05, 0.25, 0.4999, 0.5, 0.7] + [rng.random() * 0.6 for _ in range(40)]
    for q in qs:
        for z in (0, 1, 2, 5, 17, 40):
            for ties_win in (True, False):
                want = race_success_probability(q, z, ties_win=ties_win)
                got = l05._race_formula(q, z, ties_win, 0)
                assert abs(got - want) <= 1e-12 + 1e-9 * want, (q, z, ties_win)
                ahead = l05._race_success(q, z, ties_win, 1)
                assert ahead >= want - 1e-12
                assert l05._race_success(q, z, True, z) == 1.0


def test_l06_count_params_matches_torch():
    import torch

    from refimpl.course.checks import l06

    rng = random.Random(7)
    for _ in range(30):
        widths = [rng.randrange(1, 20) for _ in range(rng.randrange(1, 6))]
        layers = []
        for a, b in zip(widths, widths[1:]):  # noqa: B905
            layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
        net = torch.nn.Sequential(*layers)
        assert l06._count_params(widths) == sum(p.numel() for p in net.parameters())


def test_l06_uid_to_prune_reduces_to_the_course_rule():
    """No immortal uids and no floor: the rule refimpl's Subnet implements."""
    from refimpl.course.checks import l06

    def course_rule(registered_at, emission, height, immunity):
        n = len(registered_at)
        free = [u for u in range(n) if height - registered_at[u] >= immunity]
        return min(free or range(n), key=lambda u: (emission[u], registered_at[u], u))

    rng = random.Random(8)
    for _ in range(500):
        n = rng.randrange(1, 8)
        reg = [rng.randrange(0, 60) for _ in range(n)]
        em = [rng.randrange(0, 4) for _ in range(n)]
        height, immunity = 60, rng.randrange(0, 40)
        got = l06._uid_to_prune(reg, em, height, immunity, set(), 0)
        assert got == course_rule(reg, em, height, immunity)


def test_l07_topk_gate_with_all_miners_is_the_lessons_gate():
    import torch

    from refimpl.course.checks import l07

    g = torch.Generator().manual_seed(9)
    for n in (1, 3, 10):
        logits, outputs = torch.randn(7, n, generator=g), torch.randn(7, n, generator=g)
        full = (torch.softmax(logits, dim=-1) * outputs).sum(dim=-1, keepdim=True)
        assert torch.allclose(l07._topk_gated(logits, outputs, n), full, atol=1e-6)
        best = outputs.gather(-1, logits.argmax(dim=-1, keepdim=True))
        assert torch.allclose(l07._topk_gated(logits, outputs, 1), best, atol=1e-6)


def test_l07_moving_average_matches_the_lessons_update_when_all_are_queried():
    import numpy as np

    from refimpl.course.checks import l07

    rng = np.random.default_rng(10)
    for _ in range(50):
        scores, rewards = rng.random(6), rng.random(6)
        alpha = float(rng.random())
        got = l07._moving_average(scores, list(rewards), list(range(6)), alpha)
        assert np.allclose(got, alpha * rewards + (1 - alpha) * scores, rtol=1e-15)
