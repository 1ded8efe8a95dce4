"""Checks for lesson 04 (blocks and proof of work).

The exercises transfer the lesson: parse a header (the inverse of its serializer),
encode a target in compact form (the inverse of its decoder, with the sign-bit rule),
check a header's proof of work as Bitcoin's ``CheckProofOfWork`` does, and find the bits
of the next block from the chain's timestamps as ``GetNextWorkRequired`` does (which
heights retarget, which block starts the window, last minus first, not the spread).
"""

from __future__ import annotations

import hashlib
import math
import struct

from refimpl.chain import (
    BlockHeader,
    bits_to_target,
    check_proof_of_work,
    retarget_bits,
    target_to_bits,
)
from refimpl.chain.params import ChainParams
from refimpl.chain.validation import expected_bits
from refimpl.course import FunctionCheck, Wrong
from refimpl.course.checks._bytes import labelled
from refimpl.course.feedback import answers_equal

__all__ = ["parse_header", "target_bits", "check_pow", "retarget_window"]

POW_LIMIT = 2**224 - 1  # Bitcoin mainnet (chainparams.cpp powLimit)


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _header(version, prev, root, timestamp, bits, nonce) -> bytes:
    return struct.pack("<i32s32sIII", version, prev, root, timestamp, bits, nonce)


_GENESIS = bytes.fromhex(
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd"
    "7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
)
_BLOCK1 = bytes.fromhex(
    "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd"
    "1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299"
)
_B100K = bytes.fromhex(
    "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a925"
    "2aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710"
)
_ROOT = _sha256d(b"ChainMind 04 easy")
_EASY = _header(1, bytes(32), _ROOT, 1_700_000_000, 0x2000FFFF, 222)  # meets its bits
_COURSE = _header(1, bytes(32), _ROOT, 1_700_000_000, 0x1F00FFFF, 42293)


def _with(
    header: bytes, *, version=None, timestamp=None, bits=None, nonce=None
) -> bytes:
    fields = list(struct.unpack("<i32s32sIII", header))
    if version is not None:
        fields[0] = version
    if timestamp is not None:
        fields[3] = timestamp
    if bits is not None:
        fields[4] = bits
    if nonce is not None:
        fields[5] = nonce
    return _header(*fields)


# -- 04.1 parse_header --------------------------------------------------------------
def _parse_header(data: bytes) -> tuple:
    h = BlockHeader.parse(data)
    return (h.version, h.prev_hash, h.merkle_root, h.timestamp, h.bits, h.nonce)


def _parse_cases() -> list[tuple]:
    return [
        (labelled(_GENESIS, "<genesis header>"),),
        (labelled(_BLOCK1, "<block 1 header>"),),
        (labelled(_B100K, "<block 100,000 header>"),),
        (
            labelled(
                _with(_B100K, version=0x20000004),
                "<a BIP 9 header, version 0x20000004>",
            ),
        ),
        (labelled(_with(_GENESIS, version=-2), "<a header with version -2>"),),
        (
            labelled(
                _with(_GENESIS, nonce=0xFFFFFFFF, bits=0x80000001), "<top bits set>"
            ),
        ),
        (
            labelled(
                _with(_BLOCK1, timestamp=0x80000000 + 1234),
                "<a header stamped after January 2038 (timestamp's top bit set)>",
            ),
        ),
        # exactly 2**31 read unsigned: the most negative version, not 2147483648
        (labelled(_with(_GENESIS, version=-(2**31)), "<version bytes 00 00 00 80>"),),
    ]


def _parse_sign_off_by_one(data: bytes) -> tuple:
    """Wrong: the sign taken from ``v > 2**31``, not ``v >= 2**31``."""
    v, *rest = struct.unpack("<I32s32sIII", data)
    return (v - 2**32 if v > 2**31 else v, *rest)


def _fields(got: object, expected: tuple) -> bool:
    if isinstance(got, tuple | list) and any(isinstance(x, bytearray) for x in got):
        raise Wrong(
            "parse_header returned a hash as a bytearray; the text asks for bytes: "
            "bytes(...) of it"
        )
    return answers_equal(got, expected)


parse_header = FunctionCheck(
    "04.1 parse_header",
    reference=_parse_header,
    compare=_fields,
    cases=_parse_cases,
    show=lambda args: repr(args[0]),
    hints=[
        "Undo serialize_header: cut the 80 bytes at 4, 36, 68, 72, 76; integers are "
        "little-endian, the version is SIGNED (int32) and the other three are "
        "UNSIGNED (uint32: a timestamp runs past 2038); hashes stay as they are "
        "(internal order).",
        "struct.unpack with the lesson's format reads all six at once: '<i32s32sIII'.",
        "return struct.unpack('<i32s32sIII', data)",
    ],
    wrong=[
        lambda d: struct.unpack("<I32s32sIII", d),  # unsigned version
        lambda d: struct.unpack("<i32s32siII", d),  # signed timestamp
        # the hashes as bytearrays
        lambda d: tuple(
            bytearray(x) if isinstance(x, bytes) else x
            for x in struct.unpack("<i32s32sIII", d)
        ),
        lambda d: struct.unpack(">i32s32sIII", d),  # big-endian integers
        lambda d: (lambda v, p, r, t, b, n: (v, p[::-1], r[::-1], t, b, n))(
            *struct.unpack("<i32s32sIII", d)
        ),  # hashes reversed to display order
        lambda d: list(struct.unpack("<i32s32sIII", d)),  # a list
        lambda d: struct.unpack("<i32s32sIII", d)[:5],  # nonce forgotten
        _parse_sign_off_by_one,
        lambda d: (lambda v, p, r, t, b, n: (v, p.hex(), r.hex(), t, b, n))(
            *struct.unpack("<i32s32sIII", d)
        ),  # hex text, not bytes
    ],
)


# -- 04.2 target_bits: compact encoding ----------------------------------------------
def _target_bits(target: int) -> int:
    return target_to_bits(target)


def _bits_naive(target: int) -> int:
    """Forgets the sign-bit rule."""
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        compact = target << (8 * (3 - size))
    else:
        compact = target >> (8 * (size - 3))
    return compact | (size << 24)


def _bits_round_up(target: int) -> int:
    bits = target_to_bits(target)
    return bits + 1 if bits_to_target(bits) < target else bits  # rounds up


def _bits_size_from_hex(target: int) -> int:
    size = len(f"{target:x}") // 2  # odd digit counts lose a byte
    compact = target >> (8 * (size - 3)) if size > 3 else target << (8 * (3 - size))
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def _bits_size_from_log(target: int) -> int:
    """Wrong: the size from a float logarithm (short by one at 2**56, 2**64, ...)."""
    size = math.ceil(math.log2(target + 1) / 8) if target else 0
    compact = target << 8 * (3 - size) if size <= 3 else target >> 8 * (size - 3)
    if compact & 0x800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


target_bits = FunctionCheck(
    "04.2 target_bits",
    reference=_target_bits,
    cases=[
        (bits_to_target(0x1D00FFFF),),
        (POW_LIMIT,),
        (bits_to_target(0x1B04864C),),
        (0x80,),  # the sign-bit rule: 0x02008000
        (0x7F,),
        (0x12345,),
        (0x123456789ABCDEF << 100,),  # truncated to three bytes
        (0x800000,),
        (0x7FFFFF,),
        (0,),
        (1,),
        (2**255,),
        (2**256 - 1,),
        # exact powers of 256 from 2**56 up: a size from a float logarithm comes
        # out one byte short (float(2**56 + 1) is 2**56)
        (2**56,),
        (2**64,),
        (2**200,),
    ],
    show=lambda args: f"{args[0]:#x}",
    hex_ints=True,
    hints=[
        "Size first: how many bytes does the target need? Keep its top three bytes "
        "as the mantissa (shift left if it has fewer), and put the size in the top "
        "byte.",
        "Bit 0x00800000 of the mantissa is the sign bit: if the mantissa would set it, "
        "shift the mantissa one more byte right and add one to the size (so 0x80 is "
        "0x02008000, not 0x01800000).",
        "size = (target.bit_length() + 7) // 8; compact = target >> 8*(size-3) (or << "
        "8*(3-size)); if compact & 0x800000: compact >>= 8; size += 1; return compact "
        "| size << 24",
    ],
    wrong=[
        _bits_naive,
        _bits_round_up,
        _bits_size_from_hex,
        lambda t: target_to_bits(t) & 0x00FFFFFF,  # the size byte forgotten
        lambda t: target_to_bits(t) if t < 2**224 else 0x1D00FFFF,  # only the lesson's
        lambda t: float(target_to_bits(t)),
        _bits_size_from_log,
    ],
)


# -- 04.3 check_pow: Bitcoin's CheckProofOfWork ---------------------------------------
REGTEST_LIMIT = 0x7FFFFF << (8 * (0x20 - 3))  # 0x207fffff: regtest's and our chain's


def _check_pow(header: bytes, pow_limit: int) -> bool:
    bits = struct.unpack_from("<I", header, 72)[0]
    return check_proof_of_work(_sha256d(header), bits, pow_limit)


def _mined(bits: int, target: int) -> bytes:
    """The easy header, re-mined at ``bits`` until its hash is <= ``target``."""
    for nonce in range(1_000_000):
        header = _with(_EASY, bits=bits, nonce=nonce)
        if int.from_bytes(_sha256d(header), "little") <= target:
            return header
    raise RuntimeError("no nonce found")  # pragma: no cover - 1 in 256 tries succeed


def _missed(bits: int, limit: int) -> bytes:
    """The easy header at ``bits`` with a nonce whose hash misses the target those
    bits encode but is still below ``limit`` (the hash must meet its own target)."""
    target = bits_to_target(bits)
    for nonce in range(1_000_000):
        header = _with(_EASY, bits=bits, nonce=nonce)
        if target < int.from_bytes(_sha256d(header), "little") <= limit:
            return header
    raise RuntimeError("no nonce found")  # pragma: no cover - half of them do


def _pow_cases() -> list[tuple]:
    at_limit = _mined(0x207FFFFF, REGTEST_LIMIT)
    signed = _mined(0x2080FFFF, 0xFFFF << (8 * 29))  # meets the target sign-cleared
    wraps = _mined(0x21123456, (0x123456 << 240) % 2**256)  # meets it wrapped
    long_form = _mined(0x2100007F, 0x7F << 240)  # below the limit, bits written long
    missed = _missed(0x1F00FFFF, REGTEST_LIMIT)  # under the limit, not its own target
    return [
        (
            labelled(missed, "<bits 0x1f00ffff, a hash above that target>"),
            REGTEST_LIMIT,
        ),
        # a target above the limit is refused even when the hash is below the limit
        # (genesis: target about 2**224, hash about 2**213)
        (labelled(_GENESIS, "<genesis header>"), 2**220),
        (labelled(_GENESIS, "<genesis header>"), POW_LIMIT),
        (labelled(_BLOCK1, "<block 1 header>"), POW_LIMIT),
        (
            labelled(_with(_GENESIS, nonce=2083236894), "<genesis, nonce + 1>"),
            POW_LIMIT,
        ),
        (labelled(_B100K, "<block 100,000 header>"), POW_LIMIT),
        (labelled(_with(_B100K, nonce=0), "<block 100,000, nonce 0>"), POW_LIMIT),
        (labelled(_COURSE, "<a header mined at 0x1f00ffff>"), REGTEST_LIMIT),
        (labelled(_COURSE, "<a header mined at 0x1f00ffff>"), POW_LIMIT),
        (labelled(_EASY, "<a header mined at 0x2000ffff>"), REGTEST_LIMIT),
        (labelled(_EASY, "<a header mined at 0x2000ffff>"), POW_LIMIT),
        (labelled(at_limit, "<a header mined at 0x207fffff>"), REGTEST_LIMIT),
        (labelled(signed, "<a header with bits 0x2080ffff (sign bit)>"), 2**256 - 1),
        (labelled(wraps, "<a header with bits 0x21123456 (overflow)>"), 2**256 - 1),
        (
            labelled(long_form, "<a header with bits 0x2100007f (non-canonical)>"),
            REGTEST_LIMIT,
        ),
    ]


def _pow_target(header: bytes) -> int | None:
    try:
        return bits_to_target(struct.unpack_from("<I", header, 72)[0])
    except ValueError:
        return None


def _hash_int(header: bytes, order: str = "little") -> int:
    return int.from_bytes(_sha256d(header), order)  # type: ignore[arg-type]


def _wrong_pow_no_limit(header, limit):
    target = _pow_target(header)
    return bool(target) and _hash_int(header) <= target


def _wrong_pow_strict_limit(header, limit):
    target = _pow_target(header)
    return bool(target) and target < limit and _hash_int(header) <= target


def _wrong_pow_big_endian(header, limit):
    target = _pow_target(header)
    return bool(target) and target <= limit and _hash_int(header, "big") <= target


def _wrong_pow_ignores_sign(header, limit):
    bits = struct.unpack_from("<I", header, 72)[0]
    return check_proof_of_work(_sha256d(header), bits & ~0x00800000, limit)


def _wrong_pow_single_sha(header, limit):
    target = _pow_target(header)
    h = int.from_bytes(hashlib.sha256(header).digest(), "little")
    return bool(target) and target <= limit and h <= target


def _wrong_pow_overflow_wraps(header, limit):
    bits = struct.unpack_from("<I", header, 72)[0]
    size, word = bits >> 24, bits & 0x007FFFFF
    if bits & 0x00800000 and word:
        return False
    target = (word << (8 * (size - 3))) % 2**256 if size > 3 else word
    return 0 < target <= limit and _hash_int(header) <= target


def _wrong_pow_clamps_target(header, limit):
    # the target capped at the limit (as the retarget caps it) instead of refused
    target = _pow_target(header)
    return bool(target) and _hash_int(header) <= min(target, limit)


def _wrong_pow_meets_limit(header, limit):
    # the hash compared with the limit, not with the header's own target
    target = _pow_target(header)
    return bool(target) and target <= limit and _hash_int(header) <= limit


def _wrong_pow_compares_bits(header, limit):
    # compares the compact words, not the targets they stand for
    bits = struct.unpack_from("<I", header, 72)[0]
    if bits > target_to_bits(limit):
        return False
    return _check_pow(header, 2**256 - 1)


check_pow = FunctionCheck(
    "04.3 check_pow",
    reference=_check_pow,
    cases=_pow_cases,
    hints=[
        "Read bits from the header itself (bytes 72 to 76, little-endian), decode the "
        "target, then compare the hash as a little-endian number with it.",
        "Bitcoin's CheckProofOfWork refuses bits that are negative (sign bit with a "
        "non-zero mantissa, after an exponent <= 3 has shifted it), overflow 256 "
        "bits, decode to 0, or give a target above pow_limit, however well the "
        "hash meets it. A target equal to the limit is fine. Compare targets, not "
        "bits: the same target has more than one bits word.",
        "try: target = bits_to_target(bits) except ValueError: return False; "
        "return 0 < target <= pow_limit and int.from_bytes(sha256d(header), "
        "'little') <= target",
    ],
    wrong=[
        _wrong_pow_no_limit,
        _wrong_pow_strict_limit,
        _wrong_pow_big_endian,
        _wrong_pow_ignores_sign,
        _wrong_pow_single_sha,
        _wrong_pow_overflow_wraps,
        _wrong_pow_compares_bits,
        lambda h, lim: int(_check_pow(h, lim)),  # an int, not a bool
        _wrong_pow_meets_limit,
        _wrong_pow_clamps_target,
    ],
    # the header by its label, the limit in hex as chainparams.cpp writes it
    show=lambda args: f"{args[0]!r}, {args[1]:#x}",
)


# -- 04.4 retarget_window: the bits a chain asks of its next block ------------------
def _retarget_window(
    prev_bits, timestamps, interval, target_timespan, pow_limit
) -> int:
    """GetNextWorkRequired for the block at height len(timestamps), via refimpl."""
    height = len(timestamps)
    params = ChainParams(
        retarget_interval=interval,
        target_spacing=target_timespan // interval,
        pow_limit=pow_limit,
        genesis_bits=target_to_bits(pow_limit),
    )
    first = timestamps[height - interval] if height % interval == 0 else 0
    return expected_bits(params, height, prev_bits, first, timestamps[-1])


def _window(first: int, last: int, n: int, *, bump: int = 0) -> list[int]:
    """n timestamps from first to last; the middle ones wander (miners' clocks)."""
    out = [first + (last - first) * i // (n - 1) for i in range(n)]
    for i in range(1, n - 1, 7):
        out[i] += (-1) ** i * 3600  # an hour early or late: not monotonic
    if bump:
        out[n // 2] = last + bump  # one block stamped after the window's last
        out[n // 3] = first - bump  # and one before its first
    return out


class _Times(list):
    """A list of timestamps as feedback shows it: in full when short enough to
    retype, as the expression that built it (``recipe``), or else as what the rule
    reads from it: the new height, the window's first and last timestamps, and how
    the ones in between look."""

    recipe: str | None = None
    interval: int = 0

    def __repr__(self) -> str:
        if self.recipe is not None:
            return self.recipe
        n = len(self)
        if n <= 30 or not 0 < self.interval <= n:
            return repr(list(self))
        k = self.interval
        first = n - k
        window = self[first:]
        lo = first + min(range(k), key=window.__getitem__)
        hi = first + max(range(k), key=window.__getitem__)
        due = "a retarget height" if n % k == 0 else f"not a multiple of {k}"
        return (
            f"<{n} timestamps, so the new block's height is {n} ({due}): "
            f"ts[{first}] = {self[first]}, ts[{n - 1}] = ts[-1] = {self[-1]}; "
            f"ts[{first}:] rises unevenly (not sorted) from its least, ts[{lo}] = "
            f"{self[lo]}, to its greatest, ts[{hi}] = {self[hi]}; before it, "
            f"ts[0] = {self[0]} to ts[{first - 1}] = {self[first - 1]}>"
        )


def _times(values: list[int], recipe: str | None = None, interval: int = 0) -> _Times:
    out = _Times(values)
    out.recipe, out.interval = recipe, interval
    return out


def _chain(first: int, last: int, *, bump: int = 0, extra: int = 0) -> _Times:
    """A previous window, then the window first..last (2016 blocks each), plus
    ``extra`` blocks after it (then no retarget is due)."""
    before = _window(first - 1_300_000, first - 600, 2016)
    after = [last + 600 * (i + 1) for i in range(extra)]
    return _times(before + _window(first, last, 2016, bump=bump) + after, None, 2016)


def _retarget_cases() -> list[tuple]:
    course = ChainParams()
    week = 7 * 24 * 3600
    btc = (2016, 2 * week, POW_LIMIT)
    ours = (course.retarget_interval, course.target_timespan, course.pow_limit)
    t0 = 1_700_000_000
    return [
        (0x1D00FFFF, _chain(1261130161, 1262152739), *btc),  # the first real rise
        (0x1D00FFFF, _chain(1231006505, 1233061996), *btc),  # slow, at the limit
        (0x1C05A3F4, _chain(1279008237, 1279297671), *btc),  # fast: the clamp
        (0x1B04864C, _chain(1293000000, 1294100000, bump=7200), *btc),
        (0x1B04864C, _chain(1293000000, 1293000000 + 10 * week), *btc),  # 10 weeks
        (0x1B04864C, _chain(1293000000, 1293000000 + 24 * 3600), *btc),  # one day
        (0x1B04864C, _chain(1293000000, 1294100000, extra=1), *btc),  # no retarget
        (0x1B04864C, _chain(1293000000, 1294100000, extra=2015), *btc),
        (course.genesis_bits, _Times([t0 + t for t in range(10)]), *ours),
        (
            course.genesis_bits,
            _Times([t0 + t for t in (0, 40, 3, 5, 9, 2, 11, 12, 14, 15)]),
            *ours,
        ),
        (0x1F7332C0, _Times([t0 + 7 * t for t in range(20)]), *ours),
        (0x1F7332C0, _Times([t0 + 3 * t for t in range(15)]), *ours),  # mid-window
        # off a boundary prev_bits come back as they are, even when not written
        # the canonical way (0x2100007f is the target 0x7f << 240, canonically
        # 0x1f7f0000): nothing is decoded or re-encoded
        (0x2100007F, _Times([t0 + 3 * t for t in range(15)]), *ours),
        (0x1F7332C0, _Times([t0 + 5 * t for t in range(29)]), *ours),  # one short
        (
            0x1F00FFFF,
            _Times([t0 + t for t in range(20)] + [t0 + 30 + 50 * t for t in range(10)]),
            *ours,
        ),
        # a target where float scaling rounds the last bit wrong
        (0x202F9CC0, _Times([0] * 9 + [51]), 10, 20, 0x7FFFFF * 2**232),
        # a small target (0x400000): 0x400000 * 8 / 20 = 1677721.6 and * 6 / 20 =
        # 1258291.2, so rounding to nearest or up shows in the compact form
        (0x03400000, _Times([0] * 9 + [8]), 10, 20, 0x7FFFFF * 2**232),
        (0x03400000, _Times([0] * 9 + [6]), 10, 20, 0x7FFFFF * 2**232),
        # a timespan not divisible by 4: the clamp is timespan // 4, an int
        (0x1F7332C0, _Times([t0] * 9 + [t0 + 3]), 10, 30, 0x7FFFFF * 2**232),
        # the window's last block stamped 20 s before its first: a negative span,
        # clamped to T // 4 like any fast window (not turned positive)
        (
            0x1F00FFFF,
            _Times([t0 + 50] + [t0 + t for t in range(1, 9)] + [t0 + 30]),
            *ours,
        ),
        # a chain at the limit whose window was fast: it must get harder; the cap
        # applies to the new target only
        (0x207FFFFF, _Times(list(range(10))), 10, 20, 0x7FFFFF * 2**232),
        # a slow window just below the limit: the new target passes the limit and
        # is capped to the limit itself, not left at the parent's bits
        (
            0x1C7FFFFF,
            _times([0] * 2015 + [4 * 2 * week], "[0] * 2015 + [4838400]"),
            *btc,
        ),
        (0x207FFF00, _Times([0] * 9 + [80]), 10, 20, 0x7FFFFF * 2**232),
        # on a boundary, a window of exactly T: the target is unchanged, yet it is
        # encoded again, so bits written the long way come back canonical
        (
            0x2100007F,
            _Times([1_700_000_000 + 2 * i for i in range(9)] + [1_700_000_020]),
            10,
            20,
            0x7FFFFF * 2**232,
        ),
        # divided by T as a float, then multiplied: one unit short in the mantissa
        (0x1814E671, _Times([0] * 9 + [60]), 10, 20, 0x7FFFFF * 2**232),
    ]


def _show_limit(limit: int) -> str:
    """A pow limit as chainparams writes it, short enough to retype:
    ``2**224 - 1`` (Bitcoin's) or ``0x7fffff << 232`` (regtest's and ours)."""
    if limit == POW_LIMIT:
        return "2**224 - 1"
    shift = (limit & -limit).bit_length() - 1 if limit else 0
    if shift >= 8 and (limit >> shift).bit_length() <= 24:
        return f"{limit >> shift:#x} << {shift}"
    return f"{limit:#x}"


def _show_retarget(args: tuple) -> str:
    bits, times, interval, span, limit = args
    return f"{bits:#010x}, {times!r}, {interval}, {span}, {_show_limit(limit)}"


def _scaled(b: int, span: int, t: int, lim: int) -> int:
    return retarget_bits(b, span, target_timespan=t, pow_limit=lim)


def _wrong_window(first_index):
    """A rule that always retargets on a boundary but picks another first block."""

    def answer(b, ts, k, t, lim):
        if len(ts) % k:
            return b
        return _scaled(b, ts[-1] - ts[first_index(len(ts), k)], t, lim)

    return answer


def _wrong_retarget_rounded(prev_bits, ts, interval, t, pow_limit, *, up=False):
    """Scales the target with a float division, then rounds to nearest (or up)
    instead of rounding down as Bitcoin's integer arithmetic does."""
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    scaled = bits_to_target(prev_bits) * span / t
    new = math.ceil(scaled) if up else round(scaled)
    return target_to_bits(min(new, pow_limit))


def _wrong_retarget_keeps_bits_over_limit(prev_bits, ts, interval, t, pow_limit):
    """Caps by keeping the parent's bits when the new target passes the limit:
    right only for a parent already at the limit."""
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    new = bits_to_target(prev_bits) * span // t
    return prev_bits if new > pow_limit else target_to_bits(new)


def _wrong_retarget_reencoded(prev_bits, ts, interval, t, pow_limit):
    """The right rule, then its result decoded and encoded again "to be safe":
    off a boundary that rewrites prev_bits the canonical way."""
    return target_to_bits(
        bits_to_target(_retarget_window(prev_bits, ts, interval, t, pow_limit))
    )


def _wrong_retarget_same_span_kept(prev_bits, ts, interval, t, pow_limit):
    """A window of exactly the target time keeps prev_bits as they are."""
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    if span == t:
        return prev_bits
    return target_to_bits(min(bits_to_target(prev_bits) * span // t, pow_limit))


def _wrong_retarget_float_divide_first(prev_bits, ts, interval, t, pow_limit):
    """Divides by the timespan as a float first: int(target / T * span)."""
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    new = int(bits_to_target(prev_bits) / t * span)
    return target_to_bits(min(new, pow_limit))


def _wrong_retarget_frozen_at_limit(prev_bits, ts, interval, t, pow_limit):
    """Tests the cap on the parent's target: a chain already at the limit never
    retargets, however fast its window was."""
    if len(ts) % interval:
        return prev_bits
    span = min(max(ts[-1] - ts[-interval], t // 4), t * 4)
    old = bits_to_target(prev_bits)
    new = min(old * span // t, pow_limit) if old < pow_limit else pow_limit
    return target_to_bits(new)


retarget_window = FunctionCheck(
    "04.4 retarget_window",
    reference=_retarget_window,
    cases=_retarget_cases,
    show=_show_retarget,
    hex_ints=True,
    hints=[
        "The new block's height is len(timestamps). Off a retarget boundary (height "
        "not a multiple of interval) the bits stay prev_bits. On one, the window is "
        "the last `interval` blocks, measured from its first block's timestamp to its "
        "last one's: miners' clocks disagree, so the ones in between are not sorted.",
        "The first block of the window is at height len(timestamps) - interval (so "
        "Bitcoin measures interval - 1 gaps: the lesson's off-by-one). Then the "
        "lesson's rule: clamp to [T // 4, T * 4], scale, cap at pow_limit, encode.",
        "if len(ts) % interval: return prev_bits; span = ts[-1] - ts[-interval]; "
        "span = min(max(span, T // 4), T * 4); return target_to_bits(min("
        "bits_to_target(prev_bits) * span // T, pow_limit))",
    ],
    wrong=[
        _wrong_retarget_reencoded,
        # interval gaps: the first block one too early ("fixes" Bitcoin's off-by-one)
        _wrong_window(lambda n, k: n - k - 1),
        # the whole chain, not the last window
        _wrong_window(lambda n, k: 0),
        # the previous window
        _wrong_window(lambda n, k: max(n - 2 * k, 0)),
        # retargets at every height
        lambda b, ts, k, t, lim: _scaled(b, ts[-1] - ts[-k], t, lim),
        # the boundary read off the parent's height
        lambda b, ts, k, t, lim: (
            _scaled(b, ts[-1] - ts[-k], t, lim) if (len(ts) - 1) % k == 0 else b
        ),
        # the spread of the window's timestamps, not last minus first
        lambda b, ts, k, t, lim: (
            b if len(ts) % k else _scaled(b, max(ts[-k:]) - min(ts[-k:]), t, lim)
        ),
        # clamped to a float T / 4 on the fast side
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                min(
                    int(bits_to_target(b) * min(max(ts[-1] - ts[-k], t / 4), t * 4))
                    // t,
                    lim,
                )
            )
        ),
        # clamped on the fast side only
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                min(bits_to_target(b) * max(ts[-1] - ts[-k], t // 4) // t, lim)
            )
        ),
        # clamped on the slow side only
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                min(bits_to_target(b) * min(ts[-1] - ts[-k], t * 4) // t, lim)
            )
        ),
        # no cap at the proof-of-work limit
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                bits_to_target(b) * min(max(ts[-1] - ts[-k], t // 4), t * 4) // t
            )
        ),
        # Bitcoin's numbers whatever the chain
        lambda b, ts, k, t, lim: (
            b if len(ts) % k else retarget_bits(b, ts[-1] - ts[-k])
        ),
        # scales with a float (loses the low bits of a large target)
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                min(
                    int(
                        bits_to_target(b)
                        * (min(max(ts[-1] - ts[-k], t // 4), t * 4) / t)
                    ),
                    lim,
                )
            )
        ),
        # divides first (loses precision)
        lambda b, ts, k, t, lim: (
            b
            if len(ts) % k
            else target_to_bits(
                min(
                    bits_to_target(b) // t * min(max(ts[-1] - ts[-k], t // 4), t * 4),
                    lim,
                )
            )
        ),
        _wrong_retarget_frozen_at_limit,
        _wrong_retarget_keeps_bits_over_limit,
        _wrong_retarget_float_divide_first,
        _wrong_retarget_same_span_kept,
        _wrong_retarget_rounded,
        lambda b, ts, k, t, lim: _wrong_retarget_rounded(b, ts, k, t, lim, up=True),
        # a negative span made positive ("time cannot run backwards")
        lambda b, ts, k, t, lim: (
            b if len(ts) % k else _scaled(b, abs(ts[-1] - ts[-k]), t, lim)
        ),
    ],
)
