"""Speed of refimpl.crypto against baselines measured in the same run (lessons 01-02).

Rows: (what, figure, unit, ratio vs baseline, baseline description).

* SHA-256 from scratch vs hashlib on the same 80-byte message (a block header), as
  two rows: ours relative to hashlib, and hashlib relative to ours.
* ``PublicKey.verify`` vs py-ecc's ``ecdsa_raw_recover`` used as a verifier
  (recover, then compare with the known key), cycling through 64 keys and messages;
  once with each key's window table already built (a node that has seen the key
  before) and once cold (a fresh ``PublicKey.from_bytes`` for every signature).
* ``PrivateKey.sign`` (RFC 6979 nonce with the digest reduced mod n, then py-ecc's
  point multiplication) vs bare ``ecdsa_raw_sign``, which signs digests >= n with a
  non-standard nonce (issue 14): what exact agreement costs.

Each figure is the median over rounds; the functions being compared run interleaved
in every round, with the order rotated, and the ratio is the median of the per-round
ratios. Run as a script to print the table.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import time
from collections.abc import Callable

from py_ecc.secp256k1 import secp256k1 as ec

from refimpl.crypto import PrivateKey, PublicKey, sha256

Row = tuple[str, float, str, float, str]


def _rate(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    fn()
    return count / (time.perf_counter() - start)


def _compare(
    ours: Callable[[], object], base: Callable[[], object], count: int, rounds: int
) -> tuple[float, float]:
    """Median rate of ``ours`` and median per-round ratio ours/base."""
    rates, ratios = [], []
    for i in range(rounds):
        if i % 2:
            b = _rate(base, count)
            o = _rate(ours, count)
        else:
            o = _rate(ours, count)
            b = _rate(base, count)
        rates.append(o)
        ratios.append(o / b)
    return statistics.median(rates), statistics.median(ratios)


def run(rounds: int = 5) -> list[Row]:
    rows: list[Row] = []

    header = bytes(range(80))
    assert sha256(header) == hashlib.sha256(header).digest()
    n_hash = 300

    def scratch() -> None:
        for _ in range(n_hash):
            sha256(header)

    def fast() -> None:
        for _ in range(n_hash):
            hashlib.sha256(header).digest()

    rate, ratio = _compare(scratch, fast, n_hash, rounds)
    rows.append(
        (
            "sha256 from scratch, 80 B",
            rate,
            "hash/s",
            ratio,
            "hashlib.sha256, same input",
        )
    )
    # the same measurement read the other way round: how much C buys
    rows.append(
        (
            "hashlib.sha256, 80 B",
            rate / ratio,
            "hash/s",
            1 / ratio,
            "sha256 from scratch",
        )
    )

    rng = random.Random(2024)
    keys = [PrivateKey(rng.randrange(1, ec.N)) for _ in range(64)]
    items = []
    for key in keys:
        digest = rng.randbytes(32)
        items.append(
            (key.public_key, key.public_key.to_bytes(), digest, key.sign(digest))
        )
    for pub, _, digest, sig in items:  # build each key's table once (warm)
        assert pub.verify(digest, sig)

    def verify_warm() -> None:
        for pub, _, digest, sig in items:
            if not pub.verify(digest, sig):
                raise AssertionError("verify rejected a valid signature")

    def verify_cold() -> None:
        for _, raw, digest, sig in items:
            if not PublicKey.from_bytes(raw).verify(digest, sig):
                raise AssertionError("verify rejected a valid signature")

    def verify_by_recover() -> None:
        for pub, _, digest, sig in items:
            if ec.ecdsa_raw_recover(digest, (sig.v, sig.r, sig.s)) != pub.point:
                raise AssertionError("recover did not give the signer's key")

    base = "py-ecc ecdsa_raw_recover + compare"
    rate, ratio = _compare(verify_warm, verify_by_recover, len(items), rounds)
    rows.append(("PublicKey.verify (key seen before)", rate, "sig/s", ratio, base))
    rate, ratio = _compare(verify_cold, verify_by_recover, len(items), rounds)
    rows.append(("PublicKey.verify (fresh key each time)", rate, "sig/s", ratio, base))

    secrets = [(k, k.to_bytes(), rng.randbytes(32)) for k in keys[:32]]

    def sign_ours() -> None:
        for key, _, digest in secrets:
            key.sign(digest)

    def sign_raw() -> None:
        for _, priv, digest in secrets:
            ec.ecdsa_raw_sign(digest, priv)

    rate, ratio = _compare(sign_ours, sign_raw, len(secrets), rounds)
    rows.append(("PrivateKey.sign", rate, "sig/s", ratio, "py-ecc ecdsa_raw_sign"))
    return rows


def main() -> None:
    print(f"{'what':40} {'figure':>12} {'unit':8} {'ratio':>7}  baseline")
    for what, figure, unit, ratio, baseline in run():
        print(f"{what:40} {figure:12,.0f} {unit:8} {ratio:7.3g}  {baseline}")


if __name__ == "__main__":
    main()
