"""Checks for lesson 01 (hashing): SHA-256 (FIPS 180-4) and sha256d, as transfer.

Each exercise asks for something the lesson does not show as code: the inverse
rotation, undoing the padding, SHA-224's initial values, leading zero bits, the parent
link between two real block headers, and a partial preimage in display order.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np

from refimpl.chain import BlockHeader
from refimpl.course import Check, FunctionCheck, ValueCheck, Wrong
from refimpl.course.checks._bytes import labelled, same_bytes
from refimpl.course.feedback import answers_equal, call_learner, reject_stub
from refimpl.crypto.sha256 import pad as _ref_pad
from refimpl.crypto.sha256 import rotr as _ref_rotr

__all__ = [
    "rotl",
    "unpad",
    "sha224_h0",
    "leading_zero_bits",
    "is_parent",
    "zero_prefix_message",
]

_M = 0xFFFFFFFF

# Real headers: Bitcoin's blocks 0 (genesis), 1, 2 and 100000 (80 bytes each).
_GENESIS = (
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd"
    "7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
)
_BLOCK1 = (
    "010000006fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000982051fd"
    "1e4ba744bbbe680e1fee14677ba1a3c3540bf7b1cdb606e857233e0e61bc6649ffff001d01e36299"
)
_BLOCK2 = (
    "010000004860eb18bf1b1620e37e9490fc8a427514416fd75159ab86688e9a8300000000d5fdcc54"
    "1e25de1c7a5addedf24858b8bb665c9f36ef744ee42c316022c90f9bb0bc6649ffff001d08d2bd61"
)
_B100K = (
    "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a925"
    "2aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710"
)


def _sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _hex(value: int) -> str:
    """A 32-bit word as the lesson prints it: 0x12345678 (any int shows in hex)."""
    return f"{value:#010x}" if value >= 0 else f"-{-value:#010x}"


# -- 01.1 rotl: the inverse of the lesson's rotr ---------------------------------------
def _rotl(x: int, n: int) -> int:
    return _ref_rotr(x, (32 - n) % 32)


_ROTL_CASES = [
    (0x80000000, 1),
    (0x12345678, 4),
    (0x12345678, 28),
    (0x00000001, 31),
    (0xDEADBEEF, 13),
    (0xFFFFFFFE, 7),
    (0x00F00000, 16),
    (0xFFFFFFFF, 1),  # all ones: a remainder by 2**32 - 1 (the mask) gives 1
]


def _test_rotl(answer: object) -> None:
    """Like a FunctionCheck, but inputs and results are shown in hex, as words are."""
    if not callable(answer):
        kind = type(answer).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise Wrong(
            f"expected a function, got {article} {kind}; pass the function itself, "
            f"without calling it"
        )
    for index, (x, n) in enumerate(_ROTL_CASES):
        call = f"rotl({_hex(x)}, {n})"
        got = call_learner(answer, (x, n), call)
        reject_stub(got, call, first=index == 0)
        # the type policy: a numpy integer (np.uint32 words) is an int
        if isinstance(got, bool | np.bool_) or not isinstance(got, int | np.integer):
            raise Wrong(f"{call} returned a {type(got).__name__}, but an int is wanted")
        got = int(got)
        if got != _rotl(x, n):
            why = (
                " (negative)" if got < 0 else " (more than 32 bits)" if got > _M else ""
            )
            raise Wrong(f"{call} returned {_hex(got)}{why}, which is not right")


rotl = Check(
    "01.1 rotl",
    _test_rotl,
    hints=[
        "Rotating left by n undoes rotating right by n: rotl(rotr(x, n), n) == x.",
        "Bits that fall off the LEFT end (above bit 31) come back in on the right; "
        "keep 32 bits.",
        "((x << n) | (x >> (32 - n))) & 0xFFFFFFFF",
    ],
    right=[
        _rotl,
        lambda x, n: ((x << n) | (x >> (32 - n))) & _M,
        # numpy words are ints (the type policy): np.uint32 wraps at 32 bits itself
        lambda x, n: np.uint32(x) << np.uint32(n) | np.uint32(x) >> np.uint32(32 - n),
    ],
    wrong=[
        lambda x, n: _ref_rotr(x, n),  # the lesson's rotr: the wrong direction
        lambda x, n: (x << n) | (x >> (32 - n)),  # no 32-bit mask
        lambda x, n: (x << n) & _M,  # a shift, not a rotation
        lambda x, n: float(_rotl(x, n)),  # a float, not an int
        lambda x, n: _ref_rotr(x, 31 - n),  # off by one
        lambda x, n: ((x << n) | (x >> (31 - n))) & _M,  # off by one on the way back
        lambda x, n: ((x << n) % _M) | (x >> (32 - n)),  # % by the mask, not 2**32
    ],
)


# -- 01.2 unpad: recover the message from the padded bytes -----------------------------
def _unpad(padded: bytes) -> bytes:
    bits = int.from_bytes(padded[-8:], "big")
    return padded[: bits // 8]


_UNPAD_MESSAGES = [
    b"abc",
    b"",
    b"ends in zero bytes\x00\x00",
    b"ends in 0x80 \x80",
    bytes(55),
    b"\x80" * 56,
    bytes(range(64)),
    b"x" * 119,
    b"y" * 120,
    b"\x00\x80\x00" * 30,
    b"sixteen bytes!!!",  # 128 bits: the length field ends in 0x80
    bytes(range(48)),  # 384 bits = 0x0180: a 0x80 after the padding's own
    b"z" * 8200,  # 65,600 bits: the length needs three of its eight bytes
]


def _message_code(message: bytes) -> str:
    """Python that rebuilds a padded message: short ones whole, in hex (as the course
    shows bytes), long ones as the repetition or range they are, else their length."""
    if len(message) <= 40:
        return f"bytes.fromhex('{message.hex()}')" if message else "b''"
    if len(message) <= 256 and message == bytes(range(len(message))):
        return f"bytes(range({len(message)}))"
    for period in (1, 2, 3, 4):
        unit, times = message[:period], len(message) // period
        if unit * times == message:
            return f"bytes({times})" if unit == b"\x00" else f"{unit!r} * {times}"
    return f"<a {len(message)}-byte message>"


_same_bytes = same_bytes("unpad")


unpad = FunctionCheck(
    "01.2 unpad",
    reference=_unpad,
    compare=_same_bytes,
    cases=[(_ref_pad(m),) for m in _UNPAD_MESSAGES],
    show=lambda args: f"pad({_message_code(_unpad(args[0]))})",
    hints=[
        "Searching from the front for the 0x80 byte fails when the message itself "
        "contains 0x80. The padding tells you the length directly.",
        "The last 8 bytes are the message length in BITS, big-endian.",
        "bits = int.from_bytes(padded[-8:], 'big'); return padded[:bits // 8]",
    ],
    wrong=[
        # the first 0x80: wrong when the message itself contains one
        lambda p: p[: p.index(b"\x80")],
        # reads the length as bytes, not bits
        lambda p: p[: int.from_bytes(p[-8:], "big")],
        # little-endian length
        lambda p: p[: int.from_bytes(p[-8:], "little") // 8],
        # strips the padding bytes: eats a message's own trailing 0x80 or zeros
        lambda p: p[:-8].rstrip(b"\x00").rstrip(b"\x80"),
        lambda p: p[:-8].rstrip(b"\x80\x00"),
        # the length read one byte too early
        lambda p: p[: int.from_bytes(p[-9:-1], "big") // 8],
        # only one block ever
        lambda p: p[: min(int.from_bytes(p[-8:], "big") // 8, 55)],
        # the LAST 0x80: the length field can contain one (16 bytes = 0x80 bits)
        lambda p: p[: p.rindex(b"\x80")],
        # only two of the eight length bytes
        lambda p: p[: int.from_bytes(p[-2:], "big") // 8],
        # a bytearray: the text asks for bytes
        lambda p: bytearray(p[: int.from_bytes(p[-8:], "big") // 8]),
    ],
)


# -- 01.3 sha224_h0: the lesson's constants trick on other primes ----------------------
def _first_primes(count: int) -> list[int]:
    primes, n = [], 2
    while len(primes) < count:
        if all(n % p for p in primes if p * p <= n):
            primes.append(n)
        n += 1
    return primes


# FIPS 180-4 §5.3.2, as printed there.
_SHA224_H0 = [
    0xC1059ED8,
    0x367CD507,
    0x3070DD17,
    0xF70E5939,
    0xFFC00B31,
    0x68581511,
    0x64F98FA7,
    0xBEFA4FA4,
]


def _a_list(got: object, expected: list[int]) -> bool:
    """The text asks for a list: a tuple or an array is told so, whatever its values
    (ints inside may be numpy integers, as the type policy says)."""
    if not isinstance(got, list) and isinstance(got, tuple | np.ndarray):
        if isinstance(got, tuple):
            kind, fix = "a tuple", "list(...) of it"
        else:
            kind, fix = f"an array of {got.dtype}", "its .tolist()"
        raise Wrong(
            f"SHA-224's initial hash value: you gave {kind}; the text asks for a "
            f"list of 8 ints: {fix}"
        )
    return answers_equal(got, expected)


sha224_h0 = ValueCheck(
    "01.3 sha224_h0",
    expected=lambda: list(_SHA224_H0),
    compare=_a_list,
    hex_ints=True,
    describe="SHA-224's initial hash value (a list of 8 ints)",
    hints=[
        "FIPS 180-4 §5.3.2: 'the second 32 bits of the fractional parts of the "
        "square roots of the ninth through sixteenth prime numbers'.",
        "The lesson's math.isqrt(p << 64) gives sqrt(p) with 32 fraction bits; "
        "math.isqrt(p << 128) gives 64 fraction bits. Keep the low 32 of those.",
        "[math.isqrt(p << 128) & 0xFFFFFFFF for p in first_primes(16)[8:16]]",
    ],
    wrong=[
        # the FIRST 32 fraction bits of primes 9..16 (the lesson's SHA-256 recipe)
        [math.isqrt(p << 64) & _M for p in _first_primes(16)[8:16]],
        # the second 32 bits, but of the first 8 primes
        [math.isqrt(p << 128) & _M for p in _first_primes(8)],
        # one prime off: primes 8..15
        [math.isqrt(p << 128) & _M for p in _first_primes(15)[7:15]],
        # cube roots instead of square roots
        [math.isqrt(math.isqrt(p << 192)) & _M for p in _first_primes(16)[8:16]],
        # as hex text, not ints
        [f"{h:08x}" for h in _SHA224_H0],
        # a tuple or an array where a list is asked for
        tuple(_SHA224_H0),
        np.array(_SHA224_H0, dtype=np.uint32),
        # floats where ints are asked for
        [float(h) for h in _SHA224_H0],
        # only the first words
        _SHA224_H0[:7],
    ],
)
# The type policy: a list of numpy integers is a list of ints.
sha224_h0.right += [[np.uint32(h) for h in _SHA224_H0]]


# -- 01.4 leading_zero_bits ----------------------------------------------------------
def _leading_zero_bits(digest: bytes) -> int:
    return 8 * len(digest) - int.from_bytes(digest, "big").bit_length()


def _wrong_lzb_log2(digest: bytes) -> int:
    # the position of the top bit via a float log2: a number just below a power of 2
    # (many 1 bits after the first) rounds up to it, one zero bit too few
    value = int.from_bytes(digest, "big")
    return 8 * len(digest) - 1 - int(math.log2(value)) if value else 8 * len(digest)


leading_zero_bits = FunctionCheck(
    "01.4 leading_zero_bits",
    reference=_leading_zero_bits,
    cases=lambda: [
        (bytes.fromhex("000000ff"),),
        (bytes.fromhex("00000080"),),
        (bytes.fromhex("0001"),),
        (bytes.fromhex("0f"),),
        (bytes.fromhex("80"),),
        (bytes(4),),
        (b"",),
        (bytes.fromhex("00000000000000"),),
        # a 1 bit followed by 55 more: a float log2 rounds the number up to 2**56
        (bytes.fromhex("00" + "ff" * 7),),
        (bytes.fromhex("0000" + "ff" * 30),),
        (_sha256d(bytes.fromhex(_GENESIS))[::-1],),
        (_sha256d(bytes.fromhex(_B100K))[::-1],),
        (hashlib.sha256(b"abc").digest(),),
    ],
    hints=[
        "Count the zero bits from the most significant bit of the first byte until "
        "the first 1 bit. All zero bytes count 8 each.",
        "As one big-endian number, the digest has bit_length() significant bits; "
        "the rest of the 8 * len(digest) bits are leading zeros.",
        "8 * len(digest) - int.from_bytes(digest, 'big').bit_length()",
    ],
    wrong=[
        # whole zero bytes only
        lambda d: 8 * (len(d) - len(d.lstrip(b"\x00"))),
        # zero hex digits times 4: misses the zero bits inside the first digit
        lambda d: 4 * (len(d.hex()) - len(d.hex().lstrip("0"))),
        # counts every zero bit, not only the leading ones
        lambda d: bin(int.from_bytes(d, "big"))[2:].zfill(8 * len(d)).count("0"),
        # 256 assumed whatever the length
        lambda d: 256 - int.from_bytes(d, "big").bit_length(),
        # little-endian: counts from the wrong end
        lambda d: _leading_zero_bits(d[::-1]),
        # bin() drops the leading zeros, then counts zeros after '0b'
        lambda d: (
            len(bin(int.from_bytes(d, "big")))
            - 2
            - len(bin(int.from_bytes(d, "big"))[2:].lstrip("0"))
        ),
        _wrong_lzb_log2,
    ],
)


# -- 01.5 is_parent: the link between two real headers -------------------------------
def _is_parent(parent: bytes, header: bytes) -> bool:
    return BlockHeader.parse(header).prev_hash == BlockHeader.parse(parent).hash()


def _with_prev(header_hex: str, prev: bytes) -> bytes:
    header = bytes.fromhex(header_hex)
    return header[:4] + prev + header[36:]


def _parent_cases() -> list[tuple[bytes, bytes]]:
    """Pairs of 80-byte headers, each labelled (as 04.x does) so that a failing call
    says which headers it was given."""
    g, b1, b2 = (bytes.fromhex(h) for h in (_GENESIS, _BLOCK1, _BLOCK2))
    b100k = bytes.fromhex(_B100K)
    g_hash = _sha256d(g)
    genesis, block1 = labelled(g, "<genesis header>"), labelled(b1, "<block 1 header>")
    block2 = labelled(b2, "<block 2 header>")
    g_v2 = (2).to_bytes(4, "little") + g[4:]

    def block1_naming(prev: bytes, what: str) -> bytes:
        return labelled(_with_prev(_BLOCK1, prev), f"<block 1 header, prev = {what}>")

    t1 = int.from_bytes(b1[68:72], "little")

    def block2_with(what: str, time: int | None = None, bits: int | None = None):
        out = bytearray(b2)
        if time is not None:
            out[68:72] = time.to_bytes(4, "little")
        if bits is not None:
            out[72:76] = bits.to_bytes(4, "little")
        return labelled(bytes(out), f"<block 2 header, {what}>")

    return [
        (genesis, block1),
        (block1, block2),
        (genesis, block2),
        (block2, block1),
        (block1, block1),
        (labelled(b100k, "<block 100,000 header>"), block2),
        # block 1 pointing at the genesis hash in display order: not a link
        (genesis, block1_naming(g_hash[::-1], "the genesis hash reversed")),
        # same first 16 bytes as the genesis hash, different after
        (
            genesis,
            block1_naming(
                g_hash[:16] + bytes(16), "the genesis hash's first 16 bytes, 16 zeros"
            ),
        ),
        # the genesis hash with only its last byte changed
        (
            genesis,
            block1_naming(
                g_hash[:31] + bytes([g_hash[31] ^ 1]),
                "the genesis hash, byte 31 changed",
            ),
        ),
        # ... and with only its byte 20 changed
        (
            genesis,
            block1_naming(
                g_hash[:20] + bytes([g_hash[20] ^ 1]) + g_hash[21:],
                "the genesis hash, byte 20 changed",
            ),
        ),
        # the genesis hash rotated: all its bytes, in another order
        (
            genesis,
            block1_naming(
                g_hash[4:] + g_hash[:4], "the genesis hash rotated left by 4 bytes"
            ),
        ),
        # same last 28 bytes, different first 4
        (
            genesis,
            block1_naming(
                b"\xff" * 4 + g_hash[4:], "the genesis hash, bytes 0-3 changed"
            ),
        ),
        # the genesis's own prev field (all zeros) is not its hash
        (block1, genesis),
        # a parent of another version than its child: hash the parent's own 80 bytes
        (
            labelled(g_v2, "<genesis header, version 2>"),
            block1_naming(_sha256d(g_v2), "the hash of genesis version 2"),
        ),
        # the parent's hash sits in the merkle-root field, not in prev_hash
        (
            genesis,
            labelled(
                b2[:36] + g_hash + b2[68:],
                "<block 2 header, merkle root = the genesis hash>",
            ),
        ),
        # ... or one byte off the prev_hash field
        (
            genesis,
            labelled(
                b2[:5] + g_hash + b2[37:],
                "<block 2 header, the genesis hash at bytes 5 to 37>",
            ),
        ),
        # the link is the prev hash and nothing else: a child may be stamped before its
        # parent (Bitcoin only asks for more than the median of the last 11 blocks) ...
        (block1, block2_with(time=t1 - 60, what="time = block 1's - 60 s")),
        # ... and a later time whose little-endian bytes sort before the parent's
        # (0x4966bd00 > 0x4966bc61, but 00 bd 66 49 < 61 bc 66 49 as bytes)
        (block1, block2_with(time=0x4966BD00, what="time = 0x4966bd00")),
        # ... and a child may have other bits than its parent (after a retarget)
        (block1, block2_with(bits=0x1C7FFFFF, what="bits = 0x1c7fffff")),
    ]


is_parent = FunctionCheck(
    "01.5 is_parent",
    reference=_is_parent,
    cases=_parent_cases,
    show=lambda args: ", ".join(repr(h) for h in args),
    hints=[
        "A header names its parent in bytes 4 to 36 (after the 4-byte version): "
        "the parent's hash, in the INTERNAL byte order, not the display order.",
        "The parent's hash is sha256d of the parent's 80 bytes. Compare all 32 bytes.",
        "return header[4:36] == sha256d(parent)  (sha256d is imported at the top)",
    ],
    wrong=[
        # compares with the display order
        lambda p, h: h[4:36] == _sha256d(p)[::-1],
        # a single SHA-256
        lambda p, h: h[4:36] == hashlib.sha256(p).digest(),
        # only a prefix
        lambda p, h: h[4:20] == _sha256d(p)[:16],
        lambda p, h: h[4:24] == _sha256d(p)[:20],
        lambda p, h: h[4:35] == _sha256d(p)[:31],
        # the version bytes counted as part of the hash
        lambda p, h: h[:32] == _sha256d(p),
        # only the tail (leading zeros of a block hash are "free")
        lambda p, h: h[8:36] == _sha256d(p)[4:],
        # always yes when the header looks like a block
        lambda p, h: len(h) == 80,
        # truthy bytes instead of a bool
        lambda p, h: (h[4:36] == _sha256d(p)) and h[4:36],
        # the hash found anywhere in the header
        lambda p, h: _sha256d(p) in h,
        # the parent hashed with the child's version bytes
        lambda p, h: h[4:36] == _sha256d(h[:4] + p[4:]),
        # the prev hash looked for in the hash written twice: any rotation matches
        lambda p, h: h[4:36] in _sha256d(p) * 2,
        # and the child's timestamp not before the parent's, compared as raw bytes
        lambda p, h: h[4:36] == _sha256d(p) and p[68:72] <= h[68:72],
        # ... or as numbers
        lambda p, h: (
            h[4:36] == _sha256d(p)
            and int.from_bytes(p[68:72], "little") <= int.from_bytes(h[68:72], "little")
        ),
        # and the same difficulty bits
        lambda p, h: h[4:36] == _sha256d(p) and h[72:76] == p[72:76],
    ],
)


# -- 01.6 zero_prefix_message ---------------------------------------------------------
def _test_zero_prefix(answer: object) -> None:
    if type(answer) is not bytes:
        fix = "; wrap it: bytes(message)" if isinstance(answer, bytearray) else ""
        if callable(answer):
            fix = "; this exercise wants the message itself: call your function"
        raise Wrong(
            f"expected bytes (like b'ChainMind 1'), got {type(answer).__name__}{fix}"
        )
    if not answer.startswith(b"ChainMind"):
        raise Wrong("your message must start with b'ChainMind'")
    shown = _sha256d(answer)[::-1].hex()
    if not shown.startswith("0000"):
        raise Wrong(
            f"the displayed sha256d of your message starts with {shown[:4]}; it must "
            f"start with 0000"
        )


zero_prefix_message = Check(
    "01.6 zero_prefix_message",
    _test_zero_prefix,
    hints=[
        "You cannot work backwards from a hash: try messages until one fits. About "
        "1 in 65,536 hashes has 16 zero bits where you want them.",
        "Which bytes are the first four digits of the DISPLAYED hash? The display "
        "reverses the bytes, so they are the last two bytes of sha256d.",
        "Loop over i and test sha256d(b'ChainMind %d' % i)[-2:] == b'\\x00\\x00'.",
    ],
    right=[b"ChainMind 1746"],
    wrong=[
        b"",
        b"ChainMind 0",
        "ChainMind 1746",
        1746,
        b"ChainMind 35873",  # single SHA-256 starts with 0000
        b"ChainMind 73311",  # sha256d in internal order starts with 0000
        b"chainmind 73968",  # the lesson's single-hash search, other text
        bytearray(b"ChainMind 1746"),  # the text asks for bytes
    ],
)
