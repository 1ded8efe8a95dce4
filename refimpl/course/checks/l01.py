"""Checks for lesson 01 (hashing): SHA-256 pieces (FIPS 180-4), avalanche, sha256d."""

from __future__ import annotations

import hashlib

from refimpl.course import Check, FunctionCheck, Wrong
from refimpl.course.feedback import call_learner, reject_stub

__all__ = [
    "rotr",
    "pad",
    "schedule",
    "bit_difference",
    "block_hash_display",
    "zero_prefix_message",
]

_M = 0xFFFFFFFF

# Real headers: Bitcoin's genesis block and block 100000 (80 bytes each).
_GENESIS = (
    "0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd"
    "7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1dac2b7c"
)
_B100K = (
    "0100000050120119172a610421a6c3011dd330d9df07b63616c2cc1f1cd00200000000006657a925"
    "2aacd5c0b2940996ecff952228c3067cc38d4885efb5a4ac4247e9f337221b4d4c86041b0f2b5710"
)


# -- 01.1 rotr ---------------------------------------------------------------------
def _rotr(x: int, n: int) -> int:
    return ((x >> n) | (x << (32 - n))) & _M


_ROTR_CASES = [
    (0x00000001, 1),
    (0x12345678, 4),
    (0x12345678, 28),
    (0xFFFFFFFE, 7),
    (0xDEADBEEF, 13),
    (0x80000000, 31),
]


def _hex(value: int) -> str:
    """A 32-bit word as the lesson prints it: 0x12345678 (any int shows in hex)."""
    return f"{value:#010x}" if value >= 0 else f"-{-value:#010x}"


def _test_rotr(answer: object) -> None:
    """Like a FunctionCheck, but inputs and results are shown in hex, as words are."""
    if not callable(answer):
        kind = type(answer).__name__
        article = "an" if kind[:1] in "aeiou" else "a"
        raise Wrong(
            f"expected a function, got {article} {kind}; pass the function itself, "
            f"without calling it"
        )
    for index, (x, n) in enumerate(_ROTR_CASES):
        call = f"rotr({_hex(x)}, {n})"
        got = call_learner(answer, (x, n), call)
        reject_stub(got, call, first=index == 0)
        if isinstance(got, bool) or not isinstance(got, int):
            raise Wrong(f"{call} returned a {type(got).__name__}, but an int is wanted")
        if got != _rotr(x, n):
            why = " (more than 32 bits)" if not 0 <= got <= _M else ""
            raise Wrong(f"{call} returned {_hex(got)}{why}, which is not right")


rotr = Check(
    "01.1 rotr",
    _test_rotr,
    hints=[
        "Bits that fall off the right end come back in on the left (FIPS 180-4 §3.2).",
        "Combine x >> n with x << (32 - n), then keep only 32 bits.",
        "((x >> n) | (x << (32 - n))) & 0xFFFFFFFF",
    ],
    solution=("def rotr(x, n):\n    return ((x >> n) | (x << (32 - n))) & 0xFFFFFFFF"),
    right=[_rotr],
    wrong=[
        lambda x, n: ((x << n) | (x >> (32 - n))) & _M,  # rotates left
        lambda x, n: (x >> n) | (x << (32 - n)),  # no 32-bit mask
        lambda x, n: x >> n,  # a shift, not a rotation
        lambda x, n: float(_rotr(x, n)),  # a float, not an int
    ],
)


# -- 01.2 pad ----------------------------------------------------------------------
def _pad(message: bytes) -> bytes:
    zeros = (55 - len(message)) % 64
    return message + b"\x80" + b"\x00" * zeros + (8 * len(message)).to_bytes(8, "big")


pad = FunctionCheck(
    "01.2 pad",
    reference=_pad,
    cases=[(bytes(range(n)),) for n in (3, 0, 55, 56, 63, 64, 119, 120)],
    hints=[
        "FIPS 180-4 §5.1.1: append one 1 bit, then zeros, then the length, so the "
        "total is a multiple of 512 bits (64 bytes).",
        "The 1 bit and the following seven zeros are the byte 0x80. The length is the "
        "message length in BITS, as 8 bytes, big-endian.",
        "zeros = (55 - len(message)) % 64; return message + b'\\x80' + "
        "b'\\x00' * zeros + (8 * len(message)).to_bytes(8, 'big')",
    ],
    solution=(
        "def pad(message):\n"
        "    zeros = (55 - len(message)) % 64\n"
        "    length = (8 * len(message)).to_bytes(8, 'big')\n"
        "    return message + b'\\x80' + b'\\x00' * zeros + length"
    ),
    wrong=[
        lambda m: (
            m + b"\x80" + b"\x00" * ((55 - len(m)) % 64) + len(m).to_bytes(8, "big")
        ),
        lambda m: (
            m
            + b"\x80"
            + b"\x00" * ((55 - len(m)) % 64)
            + (8 * len(m)).to_bytes(8, "little")
        ),
        lambda m: m + b"\x00" * ((56 - len(m)) % 64) + (8 * len(m)).to_bytes(8, "big"),
        lambda m: (
            m + b"\x80" + b"\x00" * (55 - len(m) % 64) + (8 * len(m)).to_bytes(8, "big")
        ),
    ],
)


# -- 01.3 schedule -----------------------------------------------------------------
def _s0(x: int) -> int:
    return _rotr(x, 7) ^ _rotr(x, 18) ^ (x >> 3)


def _s1(x: int) -> int:
    return _rotr(x, 17) ^ _rotr(x, 19) ^ (x >> 10)


def _schedule(block: bytes, s0=_s0, s1=_s1, mask: int = _M) -> list[int]:
    w = [int.from_bytes(block[i : i + 4], "big") for i in range(0, 64, 4)]
    for t in range(16, 64):
        w.append((s1(w[t - 2]) + w[t - 7] + s0(w[t - 15]) + w[t - 16]) & mask)
    return w


schedule = FunctionCheck(
    "01.3 schedule",
    reference=_schedule,
    cases=[
        (_pad(b"abc"),),
        (bytes(range(64)),),
        (b"\xff" * 64,),
        (_pad(b""),),
    ],
    hints=[
        "W0..W15 are the block's sixteen 4-byte words read big-endian; every later "
        "word mixes four earlier ones (FIPS 180-4 §6.2.2 step 1).",
        "For t = 16..63: W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16], "
        "modulo 2**32. σ0 uses rotations 7, 18 and shift 3; σ1 uses 17, 19 and 10.",
        "w = [int.from_bytes(block[i:i+4], 'big') for i in range(0, 64, 4)], then "
        "append (small_sigma1(w[t-2]) + w[t-7] + small_sigma0(w[t-15]) + w[t-16]) "
        "& 0xFFFFFFFF",
    ],
    solution=(
        "def schedule(block):\n"
        "    w = [int.from_bytes(block[i:i + 4], 'big') for i in range(0, 64, 4)]\n"
        "    for t in range(16, 64):\n"
        "        s1, s0 = small_sigma1(w[t - 2]), small_sigma0(w[t - 15])\n"
        "        w.append((s1 + w[t - 7] + s0 + w[t - 16]) & 0xFFFFFFFF)\n"
        "    return w"
    ),
    wrong=[
        lambda b: _schedule(b, mask=(1 << 40) - 1),  # forgets mod 2**32
        lambda b: _schedule(b, s0=_s1, s1=_s0),  # σ0 and σ1 swapped
        lambda b: _schedule(b)[:16],  # only the block's own words
        lambda b: (
            [int.from_bytes(b[i : i + 4], "little") for i in range(0, 64, 4)]
            + _schedule(b)[16:]
        ),
    ],
)


# -- 01.4 bit_difference ------------------------------------------------------------
def _bit_difference(a: bytes, b: bytes) -> int:
    return bin(int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).count("1")


bit_difference = FunctionCheck(
    "01.4 bit_difference",
    reference=_bit_difference,
    cases=lambda: [
        (b"\x00", b"\xff"),
        (b"\x0f\x00", b"\x0f\x00"),
        (b"\x01\x02\x03", b"\x03\x02\x01"),
        (hashlib.sha256(b"abc").digest(), hashlib.sha256(b"abd").digest()),
        (hashlib.sha256(b"a").digest(), hashlib.sha256(b"b").digest()),
    ],
    hints=[
        "XOR has a 1 exactly where two bits differ; count those 1s.",
        "Turn both byte strings into ints (int.from_bytes), XOR them, count the 1 "
        "bits of the result.",
        "bin(int.from_bytes(a, 'big') ^ int.from_bytes(b, 'big')).count('1')",
    ],
    solution=(
        "def bit_difference(a, b):\n"
        "    x = int.from_bytes(a, 'big') ^ int.from_bytes(b, 'big')\n"
        "    return bin(x).count('1')"
    ),
    wrong=[
        lambda a, b: sum(x != y for x, y in zip(a, b, strict=False)),  # bytes
        lambda a, b: bin(a[0] ^ b[0]).count("1"),  # first byte only
        lambda a, b: 8 * len(a) - _bit_difference(a, b),  # counts equal bits
    ],
)


# -- 01.5 block_hash_display ----------------------------------------------------------
def _display(header: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex()


block_hash_display = FunctionCheck(
    "01.5 block_hash_display",
    reference=_display,
    cases=lambda: [
        (bytes.fromhex(_GENESIS),),
        (bytes.fromhex(_B100K),),
        (bytes(80),),
    ],
    hints=[
        "A block hash is SHA-256 applied twice to the 80-byte header.",
        "Explorers show the 32 hash bytes in reverse order, as lowercase hex.",
        "hashlib.sha256(hashlib.sha256(header).digest()).digest()[::-1].hex()",
    ],
    solution=(
        "def block_hash_display(header):\n"
        "    h = hashlib.sha256(hashlib.sha256(header).digest()).digest()\n"
        "    return h[::-1].hex()"
    ),
    wrong=[
        lambda h: hashlib.sha256(hashlib.sha256(h).digest()).hexdigest(),  # no reverse
        lambda h: hashlib.sha256(h).digest()[::-1].hex(),  # single hash
        lambda h: hashlib.sha256(hashlib.sha256(h).hexdigest().encode()).hexdigest(),
    ],
)


# -- 01.6 zero_prefix_message -------------------------------------------------------
def _test_zero_prefix(answer: object) -> None:
    if not isinstance(answer, bytes):
        raise Wrong(f"expected bytes (like b'try 1'), got {type(answer).__name__}")
    digest = hashlib.sha256(answer).digest()
    if digest[:2] != b"\x00\x00":
        raise Wrong(
            f"sha256 of your message starts with {digest[:2].hex()}; it must start "
            f"with two zero bytes (0000)"
        )


zero_prefix_message = Check(
    "01.6 zero_prefix_message",
    _test_zero_prefix,
    hints=[
        "You cannot work backwards from a hash: try messages until one fits. About "
        "1 in 65,536 SHA-256 outputs starts with 16 zero bits.",
        "Loop over i = 0, 1, 2, ... and hash b'my message %d' % i with hashlib until "
        "the first two digest bytes are zero.",
        "In the function body: i = 0\n"
        "while hashlib.sha256(b'msg %d' % i).digest()[:2] != b'\\x00\\x00':\n"
        "    i += 1\nreturn b'msg %d' % i",
    ],
    solution=(
        "def find_zero_prefix_message():\n"
        "    i = 0\n"
        "    while hashlib.sha256(b'chainmind %d' % i).digest()[:2] != bytes(2):\n"
        "        i += 1\n"
        "    return b'chainmind %d' % i   # i = 73968 (about 65,536 expected)\n\n"
        "message = find_zero_prefix_message()"
    ),
    right=[b"chainmind 73968"],
    wrong=[b"", b"chainmind 0", "chainmind 73968", 73968],
)
