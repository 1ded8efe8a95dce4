"""Proof of work: compact targets ("bits"), work, retargeting and a fast miner.

``bits`` packs a 256-bit target into 32 bits like a tiny float: an exponent byte
and a 3-byte mantissa whose top bit is a sign. The rules here follow Bitcoin
Core's ``arith_uint256::SetCompact``/``GetCompact`` (arith_uint256.cpp),
``CheckProofOfWork`` and ``CalculateNextWorkRequired`` (pow.cpp) and
``GetBlockProof`` (chain.cpp). Introduced in lesson 04.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import struct

from .header import BlockHeader

__all__ = [
    "bits_to_target",
    "target_to_bits",
    "retarget_bits",
    "work_from_bits",
    "check_proof_of_work",
    "mine",
    "MAINNET_POW_LIMIT",
]

MAINNET_POW_LIMIT = 2**224 - 1  # 00000000ffff...ff, chainparams.cpp powLimit
_NONCES = 2**32


def bits_to_target(bits: int) -> int:
    """Decode compact ``bits`` to the target (``SetCompact``).

    ValueError if the sign bit is set with a non-zero mantissa (a negative
    target) or if the target does not fit in 256 bits (overflow).
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or not 0 <= bits < 2**32:
        raise ValueError(f"bits must be an unsigned 32-bit integer, got {bits!r}")
    size = bits >> 24
    word = bits & 0x007FFFFF
    if size <= 3:
        word >>= 8 * (3 - size)
        target = word
    else:
        target = word << (8 * (size - 3))
    if word != 0 and bits & 0x00800000:
        raise ValueError(f"bits {bits:#010x} encode a negative target (sign bit set)")
    if word != 0 and (
        size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32)
    ):
        raise ValueError(f"bits {bits:#010x} overflow 256 bits")
    return target


def target_to_bits(target: int) -> int:
    """Encode ``target`` in compact form (``GetCompact``), truncating low bytes.

    Never emits the sign bit: a mantissa that would set it is shifted right and
    the exponent grows by one.
    """
    if isinstance(target, bool) or not isinstance(target, int):
        raise ValueError(f"target must be an integer, got {target!r}")
    if not 0 <= target < 2**256:
        raise ValueError("target must be in [0, 2**256)")
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        compact = target << (8 * (3 - size))
    else:
        compact = target >> (8 * (size - 3))
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def work_from_bits(bits: int) -> int:
    """Expected hashes to meet ``bits``: 2**256 // (target + 1) (``GetBlockProof``)."""
    return 2**256 // (bits_to_target(bits) + 1)


def check_proof_of_work(block_hash: bytes, bits: int, pow_limit: int) -> bool:
    """Bitcoin's ``CheckProofOfWork``: valid bits within the limit, hash <= target."""
    try:
        target = bits_to_target(bits)
    except ValueError:
        return False
    if target == 0 or target > pow_limit:
        return False
    return int.from_bytes(block_hash, "little") <= target


def retarget_bits(
    prev_bits: int,
    actual_timespan: int,
    *,
    target_timespan: int = 1_209_600,
    pow_limit: int = MAINNET_POW_LIMIT,
) -> int:
    """New bits after a retarget period (``CalculateNextWorkRequired``).

    The measured timespan is clamped to [T/4, 4T] (integer division, as in
    Bitcoin), the old target is scaled by actual/T, capped at ``pow_limit`` and
    sent through the compact form, which truncates it.
    """
    if target_timespan <= 0:
        raise ValueError("target_timespan must be positive")
    timespan = min(max(actual_timespan, target_timespan // 4), target_timespan * 4)
    target = bits_to_target(prev_bits) * timespan // target_timespan
    return target_to_bits(min(target, pow_limit))


def _search(job: tuple[bytes, int, int, int]) -> int | None:
    """Scan nonces [start, stop) of a 76-byte header prefix; first hit or None."""
    prefix, target, start, stop = job
    sha = hashlib.sha256
    mid = sha(prefix[:64])  # the first 64 bytes never change: hash them once
    mid.update(prefix[64:76])
    copy = mid.copy
    pack = struct.Struct("<I").pack
    from_bytes = int.from_bytes
    top = target >> 248  # the hash's last byte is its most significant one
    for nonce in range(start, stop):
        h = copy()
        h.update(pack(nonce))
        d = sha(h.digest()).digest()
        if d[31] <= top and from_bytes(d, "little") <= target:
            return nonce
    return None


_CHUNK = 1 << 16


def mine(
    header: BlockHeader, *, max_nonces: int | None = None, workers: int = 1
) -> BlockHeader | None:
    """Find a nonce, from ``header.nonce`` upward, whose hash meets ``header.bits``.

    Returns the header with that nonce, or None when ``max_nonces`` (or the
    32-bit nonce space) runs out. ``workers > 1`` splits the range into chunks
    searched by forked processes; chunks are taken in order, so the answer is
    the same lowest nonce one worker would find. Introduced in lesson 04.
    """
    target = bits_to_target(header.bits)
    start = header.nonce
    stop = _NONCES if max_nonces is None else min(_NONCES, start + max(0, max_nonces))
    prefix = header.serialize()[:76]
    if workers <= 1 or stop - start <= _CHUNK:
        nonce = _search((prefix, target, start, stop))
    else:
        nonce = _search_parallel(prefix, target, start, stop, workers)
    return None if nonce is None else header.with_nonce(nonce)


def _search_parallel(
    prefix: bytes, target: int, start: int, stop: int, workers: int
) -> int | None:
    jobs = (
        (prefix, target, lo, min(lo + _CHUNK, stop))
        for lo in range(start, stop, _CHUNK)
    )
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(workers)
    try:
        for found in pool.imap(_search, jobs):
            if found is not None:
                return found
        return None
    finally:
        pool.terminate()
        pool.join()
