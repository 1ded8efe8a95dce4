"""Checks for lesson 04 (blocks and proof of work)."""

from __future__ import annotations

import math
import struct

from refimpl.course import FunctionCheck
from refimpl.course.feedback import short_repr

__all__ = ["serialize_header", "bits_to_target", "difficulty", "block_work", "retarget"]


def _rev(display_hex: str) -> bytes:
    return bytes.fromhex(display_hex)[::-1]


def _show_bits(args: tuple) -> str:
    """Feedback prints ``bits`` in hex, as the lesson writes them (0x1d00ffff)."""
    return ", ".join(
        f"{args[0]:#010x}" if i == 0 else repr(a) for i, a in enumerate(args)
    )


def _show_header(args: tuple) -> str:
    version, prev_hash, merkle_root, timestamp, bits, nonce = args
    return (f"{version:#x}, {short_repr(prev_hash)}, {short_repr(merkle_root)}, "
            f"{timestamp}, {bits:#010x}, {nonce}")  # fmt: skip


_GENESIS = (
    1,
    bytes(32),
    _rev("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b"),
    1231006505,
    0x1D00FFFF,
    2083236893,
)
_B100K = (
    1,
    _rev("000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250"),
    _rev("f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766"),
    1293623863,
    0x1B04864C,
    274148111,
)


# -- 04.1 --------------------------------------------------------------------------
def _serialize(version, prev_hash, merkle_root, timestamp, bits, nonce) -> bytes:
    return struct.pack("<i32s32sIII", version, prev_hash, merkle_root, timestamp, bits,
                       nonce)  # fmt: skip


serialize_header = FunctionCheck(
    "04.1 serialize_header",
    reference=_serialize,
    cases=[
        _GENESIS,
        _B100K,
        (0x20000000, b"\x11" * 32, b"\x22" * 32, 1_700_000_000, 0x1F00FFFF, 2**32 - 1),
        (2, bytes(range(32)), bytes(range(32, 64)), 0, 0x207FFFFF, 0),
    ],
    hints=[
        "Six fields in order: version, prev_hash, merkle_root, timestamp, bits, nonce. "
        "The result is exactly 80 bytes.",
        "Integers are 4 bytes, little-endian (struct format '<I', '<i' for version). "
        "The two hashes are copied as they are (already in internal order).",
        "struct.pack('<i', version) + prev_hash + merkle_root + "
        "struct.pack('<III', timestamp, bits, nonce)",
    ],
    solution=(
        "def serialize_header(version, prev_hash, merkle_root, timestamp, bits,\n"
        "                     nonce):\n"
        "    return (struct.pack('<i', version) + prev_hash + merkle_root\n"
        "            + struct.pack('<III', timestamp, bits, nonce))"
    ),
    wrong=[
        lambda v, p, m, t, b, n: struct.pack(">i32s32sIII", v, p, m, t, b, n),
        lambda v, p, m, t, b, n: struct.pack(
            "<i32s32sIII", v, p[::-1], m[::-1], t, b, n
        ),
        lambda v, p, m, t, b, n: struct.pack("<i32s32sIII", v, m, p, t, b, n),
    ],
    show=_show_header,
)


# -- 04.2 --------------------------------------------------------------------------
def _bits_to_target(bits: int) -> int:
    exponent, mantissa = bits >> 24, bits & 0x007FFFFF
    if exponent <= 3:
        return mantissa >> (8 * (3 - exponent))
    return mantissa << (8 * (exponent - 3))


bits_to_target = FunctionCheck(
    "04.2 bits_to_target",
    reference=_bits_to_target,
    cases=[
        (0x1D00FFFF,),
        (0x1B04864C,),
        (0x1F00FFFF,),
        (0x207FFFFF,),
        (0x05009234,),
        (0x03123456,),
        (0x02008000,),
        (0x01003456,),
    ],
    hints=[
        "The top byte is an exponent (a length in bytes); the low three bytes are the "
        "mantissa, without the sign bit 0x00800000.",
        "target = mantissa * 256 ** (exponent - 3). When the exponent is 3 or less, "
        "shift the mantissa RIGHT by 8 * (3 - exponent) bits instead.",
        "exponent, mantissa = bits >> 24, bits & 0x007FFFFF; then the two cases above",
    ],
    solution=(
        "def bits_to_target(bits):\n"
        "    exponent, mantissa = bits >> 24, bits & 0x007FFFFF\n"
        "    if exponent <= 3:\n"
        "        return mantissa >> (8 * (3 - exponent))\n"
        "    return mantissa << (8 * (exponent - 3))"
    ),
    wrong=[
        lambda bits: (bits & 0xFFFFFF) * 256 ** (bits >> 24),
        lambda bits: (bits & 0x7FFFFF) << (8 * max(0, (bits >> 24) - 3)),
        lambda bits: (bits & 0xFFFF) << (8 * ((bits >> 24) - 3)),
    ],
    show=_show_bits,
)


# -- 04.3 --------------------------------------------------------------------------
def _difficulty(bits: int) -> float:
    return _bits_to_target(0x1D00FFFF) / _bits_to_target(bits)


def _close(got: object, expected: float) -> bool:
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return math.isclose(got, expected, rel_tol=1e-9)


difficulty = FunctionCheck(
    "04.3 difficulty",
    reference=_difficulty,
    cases=[(0x1D00FFFF,), (0x1B04864C,), (0x1D00D86A,), (0x1A05DB8B,), (0x1F00FFFF,)],
    compare=_close,
    hints=[
        "Difficulty says how many times harder a target is than the genesis target "
        "(bits 0x1d00ffff), which has difficulty 1.",
        "A smaller target is harder: divide the genesis target by this target.",
        "return bits_to_target(0x1D00FFFF) / bits_to_target(bits)",
    ],
    solution=(
        "def difficulty(bits):\n"
        "    return bits_to_target(0x1D00FFFF) / bits_to_target(bits)"
    ),
    wrong=[
        lambda bits: _bits_to_target(bits) / _bits_to_target(0x1D00FFFF),
        lambda bits: _bits_to_target(0x1D00FFFF) // _bits_to_target(bits),
        lambda bits: 2**256 / _bits_to_target(bits),
    ],
    show=_show_bits,
)


# -- 04.4 --------------------------------------------------------------------------
def _work(bits: int) -> int:
    return 2**256 // (_bits_to_target(bits) + 1)


block_work = FunctionCheck(
    "04.4 block_work",
    reference=_work,
    cases=[
        (0x1D00FFFF,),
        (0x1B04864C,),
        (0x1F00FFFF,),
        (0x2000FFFF,),
        (0x207FFFFF,),
        (0x1D010000,),  # a power of two: 2**224
        (0x03008000,),
    ],
    hints=[
        "Each hash is a hit with probability (target + 1) / 2**256 (there are "
        "target + 1 winning values); the expected number of tries is the inverse.",
        "Use integers, as Bitcoin does (GetBlockProof): floor division, no floats.",
        "return 2**256 // (bits_to_target(bits) + 1)",
    ],
    solution="def block_work(bits):\n    return 2**256 // (bits_to_target(bits) + 1)",
    wrong=[
        lambda bits: 2**256 // _bits_to_target(bits),
        lambda bits: 2 * _work(bits),
        lambda bits: _bits_to_target(bits),
    ],
    show=_show_bits,
)


# -- 04.5 --------------------------------------------------------------------------
_TWO_WEEKS = 14 * 24 * 60 * 60
_POW_LIMIT = 2**224 - 1


def _target_to_bits(target: int) -> int:
    size = (target.bit_length() + 7) // 8
    compact = target << 8 * (3 - size) if size <= 3 else target >> 8 * (size - 3)
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def _retarget(prev_bits: int, actual_timespan: int) -> int:
    span = min(max(actual_timespan, _TWO_WEEKS // 4), _TWO_WEEKS * 4)
    target = _bits_to_target(prev_bits) * span // _TWO_WEEKS
    return _target_to_bits(min(target, _POW_LIMIT))


def _retarget_no_clamp(prev_bits: int, actual_timespan: int) -> int:
    target = _bits_to_target(prev_bits) * actual_timespan // _TWO_WEEKS
    return _target_to_bits(min(target, _POW_LIMIT))


def _retarget_one_sided(prev_bits: int, actual_timespan: int) -> int:
    span = min(actual_timespan, _TWO_WEEKS * 4)
    target = _bits_to_target(prev_bits) * span // _TWO_WEEKS
    return _target_to_bits(min(target, _POW_LIMIT))


def _retarget_no_cap(prev_bits: int, actual_timespan: int) -> int:
    span = min(max(actual_timespan, _TWO_WEEKS // 4), _TWO_WEEKS * 4)
    return _target_to_bits(_bits_to_target(prev_bits) * span // _TWO_WEEKS)


def _retarget_inverted(prev_bits: int, actual_timespan: int) -> int:
    span = min(max(actual_timespan, _TWO_WEEKS // 4), _TWO_WEEKS * 4)
    target = _bits_to_target(prev_bits) * _TWO_WEEKS // span
    return _target_to_bits(min(target, _POW_LIMIT))


retarget = FunctionCheck(
    "04.5 retarget",
    reference=_retarget,
    cases=[
        (0x1D00FFFF, 1233061996 - 1231006505),  # Core pow_tests.cpp: blocks 0..2015,
        (0x1D00FFFF, 1262152739 - 1261130161),  # capped at the limit; 30240..32255
        (0x1C05A3F4, 1279297671 - 1279008237),
        (0x1C387F6F, 1269211443 - 1263163443),
        (0x1B04864C, _TWO_WEEKS * 2),
        (0x1B04864C, _TWO_WEEKS // 2),
        (0x1C387F6F, _TWO_WEEKS * 3),
    ],
    hints=[
        "First clamp the measured timespan to [two weeks // 4, two weeks * 4]; then "
        "new target = old target * timespan // two weeks.",
        "Cap the new target at the proof-of-work limit 2**224 - 1, and return it as "
        "bits with target_to_bits (which truncates it to three bytes).",
        "span = min(max(actual, T // 4), T * 4); target = bits_to_target(prev) * span "
        "// T; return target_to_bits(min(target, 2**224 - 1))",
    ],
    solution=(
        "TWO_WEEKS = 14 * 24 * 60 * 60\n\n"
        "def retarget(prev_bits, actual_timespan):\n"
        "    span = min(max(actual_timespan, TWO_WEEKS // 4), TWO_WEEKS * 4)\n"
        "    target = bits_to_target(prev_bits) * span // TWO_WEEKS\n"
        "    return target_to_bits(min(target, 2**224 - 1))"
    ),
    wrong=[
        _retarget_no_clamp,
        _retarget_one_sided,
        _retarget_inverted,
        _retarget_no_cap,
    ],
    show=_show_bits,
)
