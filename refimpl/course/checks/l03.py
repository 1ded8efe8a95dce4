"""Checks for lesson 03 (transactions and Merkle trees).

The exercises transfer the lesson: read back a CompactSize (the inverse of its
encoder), recover a leaf's position from its Merkle proof, verify a proof in the index
form light clients receive, apply the ledger's rules (with a MoneyRange-style bound),
and find the CVE-2012-2459 collision for six leaves, where repeating the last txid is
not enough.
"""

from __future__ import annotations

import hashlib
import struct

from refimpl.chain import merkle_proof as _ref_proof
from refimpl.chain import merkle_root as _ref_root
from refimpl.chain.encoding import Reader
from refimpl.course import Check, FunctionCheck, Wrong
from refimpl.course.checks._optional import optional_check

__all__ = [
    "read_compact_size",
    "proof_index",
    "verify_indexed",
    "can_apply",
    "mutated_leaves",
]

MAX_AMOUNT = 2**63 - 1


def _h(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def _leaf(i: int) -> bytes:
    return _h(b"leaf %d" % i)


# Block 100000's txids (display order, reversed to internal order when used).
_B100K = [
    "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
    "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
    "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
    "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
]


def _b100k() -> list[bytes]:
    return [bytes.fromhex(x)[::-1] for x in _B100K]


def _node(h: bytes) -> str:
    """A 32-byte node as feedback prints it: whole, so the call can be rebuilt (a
    root one bit off must not look like the real one)."""
    return f"bytes.fromhex('{h.hex()}')"


# -- 03.1 read_compact_size: the inverse of the lesson's encoder ---------------------
def _read_compact_size(data: bytes):
    """(n, bytes used), or None if truncated or non-canonical (refimpl's Reader)."""

    class _Bad(Exception):
        pass

    reader = Reader(bytes(data), _Bad, "data")
    try:
        n = reader.compact_size("a length")
    except _Bad:
        return None
    return n, reader.pos if hasattr(reader, "pos") else _used(data)


def _used(data: bytes) -> int:
    return {0xFD: 3, 0xFE: 5, 0xFF: 9}.get(data[0], 1)


_CS_CASES = [
    "00",
    "fc",
    "fdfd00",
    "fdfc00",  # 252 written long: non-canonical
    "fd0001",  # 256: little-endian
    "fdffff",
    "fe00000100",
    "feffff0000",  # 65535 written long
    "ff0000000001000000",
    "ffffffffff00000000",  # 2**32 - 1 written long
    "feffffffff",  # 2**32 - 1: unsigned, not -1
    "ff0000000000000080",  # 2**63: the top bit set
    "ffffffffffffffffff",  # 2**64 - 1, the largest CompactSize
    "fd01",  # truncated
    "fdff",  # truncated, though the byte it has would be canonical
    "feffffff",  # one byte short of a 4-byte length
    "ffffffffffffffff",  # one byte short of an 8-byte length
    "fe",  # the marker alone
    "",
    "05deadbeef",  # followed by other bytes: only the length is read
    "fd0302ff",
    # zero written long: it fits one byte, so every longer form is non-canonical
    "fd0000",
    "fe00000000",
    "ff0000000000000000",
]


def _cs_hex(data_hex: str) -> bytes:
    return bytes.fromhex(data_hex)


def _cs_unchecked(data, byteorder: str):
    """(value, size) as the marker announces it, read in ``byteorder``, with no check
    of the canonical form; None when the data runs short."""
    if not data:
        return None
    size = _used(data)
    if len(data) < size:
        return None
    if size == 1:
        return data[0], 1
    return int.from_bytes(data[1:size], byteorder), size


def _wrong_cs_big_endian(data):
    got = _cs_unchecked(data, "big")
    if got is None or got[1] == 1:
        return got
    canonical = _read_compact_size(data)
    return got if canonical is not None else None


def _wrong_cs_not_canonical(data):
    return _cs_unchecked(data, "little")


def _wrong_cs_boundary(data):
    # treats 0xfd as a plain one-byte value (< instead of <= at the boundary)
    if data[:1] == b"\xfd" and len(data) >= 1:
        return 0xFD, 1
    return _read_compact_size(data)


def _wrong_cs_canonical_off_by_one(data):
    got = _wrong_cs_not_canonical(data)
    if got is None:
        return None
    n, size = got
    floor = {1: 0, 3: 0xFD, 5: 0x10000, 9: 0x100000000}[size]
    return got if n > floor or size == 1 else None  # refuses the smallest canonical


def _wrong_cs_signed_64(data):
    # struct's "q" (signed) where "Q" (unsigned) was meant: 2**63 and up are negative
    if not data:
        return None
    if data[0] < 0xFD:
        return data[0], 1
    fmt, size, floor = {
        0xFD: ("<H", 2, 0xFD),
        0xFE: ("<I", 4, 0x10000),
        0xFF: ("<q", 8, 0x100000000),
    }[data[0]]
    if len(data) < 1 + size:
        return None
    (n,) = struct.unpack(fmt, data[1 : 1 + size])
    return (n, 1 + size) if n >= floor else None


def _wrong_cs_zero_exempt(data):
    # the canonical test skipped for a value of 0
    got = _cs_unchecked(data, "little")
    if got is None or got[1] == 1 or got[0] == 0:
        return got
    return _read_compact_size(data)


def _wrong_cs_no_length_check(data):
    # the slice silently gives fewer bytes when the data runs out
    if not data:
        return None
    if data[0] < 0xFD:
        return data[0], 1
    w = {0xFD: 2, 0xFE: 4, 0xFF: 8}[data[0]]
    n = int.from_bytes(data[1 : 1 + w], "little")
    floor = {2: 0xFD, 4: 0x10000, 8: 0x100000000}[w]
    return (n, 1 + w) if n >= floor else None


read_compact_size = optional_check(
    "03.1 read_compact_size",
    reference=_read_compact_size,
    cases=lambda: [(_cs_hex(h),) for h in _CS_CASES],
    show=lambda args: f"bytes.fromhex({args[0].hex()!r})",
    hints=[
        "Undo compact_size: the first byte is the value itself when it is below 0xfd; "
        "0xfd, 0xfe and 0xff announce 2, 4 or 8 little-endian bytes after it.",
        "Return (n, how many bytes the length used). Return None when the bytes run "
        "out, and when the value would have fitted a shorter form (Bitcoin refuses "
        "these: 'non-canonical ReadCompactSize()').",
        "size = {0xfd: 2, 0xfe: 4, 0xff: 8}[data[0]]; refuse when len(data) < 1 + "
        "size (slicing never complains, it just gives fewer bytes); then n = "
        "int.from_bytes(data[1:1 + size], 'little') must be at least 0xfd, 0x10000 "
        "or 0x100000000 respectively.",
    ],
    wrong=[
        _wrong_cs_big_endian,
        _wrong_cs_not_canonical,
        _wrong_cs_boundary,
        _wrong_cs_canonical_off_by_one,
        _wrong_cs_no_length_check,
        _wrong_cs_signed_64,
        _wrong_cs_zero_exempt,
        lambda d: (got := _read_compact_size(d)) and got[0],  # n only
        lambda d: (got := _read_compact_size(d)) and [got[0], got[1]],  # a list
    ],
)


# -- 03.2 proof_index: where in the tree is this leaf? -------------------------------
def _proof_index(proof: list[tuple[bytes, str]]) -> int:
    return sum(1 << level for level, (_, side) in enumerate(proof) if side == "left")


def _show_proof_only(args: tuple) -> str:
    (proof,) = args
    return "[" + ", ".join(f"({_node(s)}, {side!r})" for s, side in proof) + "]"


def _index_cases() -> list[tuple]:
    leaves = [_leaf(i) for i in range(13)]
    cases = [(_ref_proof(leaves, i),) for i in (0, 1, 5, 6, 11, 12)]
    cases += [(_ref_proof(_b100k(), 2),), (_ref_proof(leaves[:1], 0),)]
    cases += [(_ref_proof([_leaf(i) for i in range(40)], 37),)]
    return cases


proof_index = FunctionCheck(
    "03.2 proof_index",
    reference=_proof_index,
    cases=_index_cases,
    show=_show_proof_only,
    hints=[
        "At each level the leaf's path is either a left child (its sibling is on the "
        "right) or a right child (sibling on the left). Right children have "
        "odd positions.",
        "The first pair of the proof is the lowest level: it gives the lowest bit of "
        "the index. A sibling on the LEFT means the bit is 1.",
        "sum(2**level for level, (_, side) in enumerate(proof) if side == 'left')",
    ],
    wrong=[
        # bits read the other way round (top level first)
        lambda pr: sum(
            1 << (len(pr) - 1 - lv) for lv, (_, s) in enumerate(pr) if s == "left"
        ),
        # a sibling on the right read as a 1
        lambda pr: sum(1 << lv for lv, (_, s) in enumerate(pr) if s == "right"),
        # counts the left siblings instead of weighting them
        lambda pr: sum(1 for _, s in pr if s == "left"),
        # numbering from 1
        lambda pr: _proof_index(pr) + 1,
        # a float (2.0 ** level)
        lambda pr: sum(2.0**lv for lv, (_, s) in enumerate(pr) if s == "left"),
        # the bits as text
        lambda pr: "".join("1" if s == "left" else "0" for _, s in reversed(pr)),
    ],
)


# -- 03.3 verify_indexed: the proof as light clients get it --------------------------
def _verify_indexed(leaf: bytes, index: int, branch: list[bytes], root: bytes) -> bool:
    if not 0 <= index < 2 ** len(branch):
        return False
    node = leaf
    for level, sibling in enumerate(branch):
        if (index >> level) & 1:
            node = _h(sibling + node)
        else:
            node = _h(node + sibling)
    return node == root


def _indexed_cases() -> list[tuple]:
    leaves = [_leaf(i) for i in range(11)]
    root = _ref_root(leaves)
    real = _b100k()
    real_root = _ref_root(real)
    cases = []
    for i in (0, 3, 6, 10):
        branch = [s for s, _ in _ref_proof(leaves, i)]
        cases.append((leaves[i], i, branch, root))
    b0, b1, b2 = ([s for s, _ in _ref_proof(real, i)] for i in (0, 1, 2))
    cases += [
        (real[2], 2, b2, real_root),  # block 100,000, transaction 2
        (real[3], 2, b2, real_root),  # another leaf
        (real[2], 3, b2, real_root),  # wrong position
        (real[2], 2 + 4, b2, real_root),  # a bit beyond the branch: invalid
        (real[0], 4, b0, real_root),  # exactly 2 ** len(branch): one bit too many
        (real[1], 5, b1, real_root),  # the same, for another leaf
        (real[2], 2, [], real_root),  # no branch: only the root verifies
        (real[2], 2, b2, real_root[:31] + bytes([real_root[31] ^ 1])),  # last byte
        (real[2], -2, b2, real_root),  # a negative position
        (real[2], 2, b2[:1], real_root),  # a branch cut short
        (real_root, 0, [], real_root),  # no branch: the leaf must be the root
        (real_root, 1, [], real_root),  # ... and at position 0, the only one there is
        (real[2], 2, b2, real_root[::-1]),  # the root in display order
    ]
    return cases


def _show_indexed(args: tuple) -> str:
    leaf, index, branch, root = args
    nodes = ", ".join(_node(s) for s in branch)
    return f"{_node(leaf)}, {index}, [{nodes}], {_node(root)}"


def _wrong_indexed_msb(leaf, index, branch, root):
    node = leaf
    for level, sibling in enumerate(branch):
        bit = (index >> (len(branch) - 1 - level)) & 1
        node = _h(sibling + node) if bit else _h(node + sibling)
    return node == root


def _wrong_indexed_sides_swapped(leaf, index, branch, root):
    node = leaf
    for level, sibling in enumerate(branch):
        node = _h(node + sibling) if (index >> level) & 1 else _h(sibling + node)
    return node == root


def _wrong_indexed_no_range(leaf, index, branch, root):
    node = leaf
    for level, sibling in enumerate(branch):
        node = _h(sibling + node) if (index >> level) & 1 else _h(node + sibling)
    return node == root


def _wrong_indexed_upper_only(leaf, index, branch, root):
    return index < 2 ** len(branch) and _wrong_indexed_no_range(
        leaf, index, branch, root
    )


def _wrong_indexed_off_by_one(leaf, index, branch, root):
    if index < 0 or index > 2 ** len(branch):  # lets index == 2 ** len(branch) in
        return False
    return _wrong_indexed_no_range(leaf, index, branch, root)


def _wrong_indexed_empty_branch(leaf, index, branch, root):
    if not branch:
        return True
    return _verify_indexed(leaf, index, branch, root)


def _wrong_indexed_empty_no_range(leaf, index, branch, root):
    if not branch:
        return leaf == root  # forgets the position must then be 0
    return _verify_indexed(leaf, index, branch, root)


def _wrong_indexed_prefix(leaf, index, branch, root):
    if not 0 <= index < 2 ** len(branch):
        return False
    node = leaf
    for level, sibling in enumerate(branch):
        node = _h(sibling + node) if (index >> level) & 1 else _h(node + sibling)
    return node[:16] == root[:16]


verify_indexed = FunctionCheck(
    "03.3 verify_indexed",
    reference=_verify_indexed,
    cases=_indexed_cases,
    show=_show_indexed,
    hints=[
        "Light clients (Electrum's get_merkle, for one) receive the siblings alone, "
        "lowest level first, plus the leaf's position. The position's bits say on "
        "which side each sibling goes.",
        "Bit k of the index (counting from the lowest) is 1 when the node at level k "
        "is a right child, so its sibling goes on the LEFT. A position needs no more "
        "bits than the branch has levels, and is never negative.",
        "if not 0 <= index < 2 ** len(branch): return False; then for each level: "
        "node = sha256d(sib + node) if (index >> level) & 1 else sha256d(node + sib)",
    ],
    wrong=[
        _wrong_indexed_msb,
        _wrong_indexed_sides_swapped,
        _wrong_indexed_no_range,
        _wrong_indexed_upper_only,
        _wrong_indexed_off_by_one,
        _wrong_indexed_empty_branch,
        _wrong_indexed_empty_no_range,
        _wrong_indexed_prefix,
        lambda leaf, i, br, root: _verify_indexed(leaf, i, br, root) or i < 0,
        lambda leaf, i, br, root: int(_verify_indexed(leaf, i, br, root)),  # not a bool
    ],
)


# -- 03.4 can_apply ------------------------------------------------------------------
def _can_apply(
    balance: int, next_nonce: int, amount: int, fee: int, nonce: int
) -> bool:
    return (
        nonce == next_nonce
        and 0 < amount <= MAX_AMOUNT
        and 0 <= fee <= MAX_AMOUNT
        and amount + fee <= min(balance, MAX_AMOUNT)
    )


can_apply = FunctionCheck(
    "03.4 can_apply",
    reference=_can_apply,
    cases=[
        (100, 0, 60, 1, 0),
        (100, 3, 60, 1, 3),
        (100, 3, 60, 1, 2),  # reused nonce (a replay)
        (100, 3, 60, 1, 4),  # skipped nonce
        (100, 0, 100, 0, 0),  # spends everything: amount + fee == balance
        (100, 0, 99, 1, 0),  # the fee makes it exactly the balance
        (100, 0, 100, 1, 0),  # the fee tips it over
        (100, 0, 0, 1, 0),  # zero amount
        (100, 0, 1, 0, 0),  # the smallest payment, no fee
        (100, 0, -5, 1, 0),  # negative amount
        (100, 0, 10, -1, 0),  # negative fee
        (100, 0, 110, -10, 0),  # a negative fee would pay for the overspend
        (0, 0, 1, 0, 0),
        # integers, not floats: 2**60 + 1 is one more than the balance 2**60
        (2**60, 0, 2**60 + 1, 0, 0),
        (2**64, 0, MAX_AMOUNT, 0, 0),  # the largest amount
        (2**64, 0, MAX_AMOUNT + 1, 0, 0),  # one above MoneyRange
        (2**64, 0, MAX_AMOUNT, 1, 0),  # amount + fee above MoneyRange
        (2**64, 0, 1, MAX_AMOUNT + 1, 0),  # a fee above MoneyRange
    ],
    hints=[
        "Five rules: the nonce is exactly the next one, the amount is positive, the "
        "fee is not negative, the balance covers amount AND fee, and no amount, fee "
        "or their sum goes above 2**63 - 1.",
        "A nonce below next_nonce is a replay; above it is a gap. Both are refused. "
        "Spending exactly the whole balance is allowed.",
        "return nonce == next_nonce and 0 < amount <= MAX_AMOUNT and 0 <= fee <= "
        "MAX_AMOUNT and amount + fee <= min(balance, MAX_AMOUNT)",
    ],
    wrong=[
        lambda b, n, a, f, nonce: nonce >= n and 0 < a and 0 <= f and a + f <= b,
        lambda b, n, a, f, nonce: nonce == n and 0 < a and 0 <= f and a <= b,
        lambda b, n, a, f, nonce: nonce == n and a + f <= b,
        # strict < at the balance: refuses spending everything
        lambda b, n, a, f, nonce: nonce == n and 0 < a and 0 <= f and a + f < b,
        # amount >= 0
        lambda b, n, a, f, nonce: nonce == n and 0 <= a and 0 <= f and a + f <= b,
        # no MoneyRange bound at all
        lambda b, n, a, f, nonce: nonce == n and 0 < a and 0 <= f and a + f <= b,
        # bounds each value, forgets the sum
        lambda b, n, a, f, nonce: (
            nonce == n and 0 < a <= MAX_AMOUNT and 0 <= f <= MAX_AMOUNT and a + f <= b
        ),
        # the bound off by one (2**63)
        lambda b, n, a, f, nonce: (
            nonce == n and 0 < a <= 2**63 and 0 <= f <= 2**63 and a + f <= min(b, 2**63)
        ),
        # a truthy int, not a bool
        lambda b, n, a, f, nonce: int(_can_apply(b, n, a, f, nonce)),
    ],
)


# -- 03.5 mutated_leaves: six leaves -------------------------------------------------
def _six() -> list[bytes]:
    return _b100k() + [_h(b"block 100000, made-up tx 4"), _h(b"made-up tx 5")]


def _test_mutation(answer: object) -> None:
    leaves = _six()
    if not isinstance(answer, list):
        raise Wrong(
            f"expected a list of 32-byte hashes, got a {type(answer).__name__}; "
            f"the leaves go in a list, like `leaves`"
        )
    if not answer:
        raise Wrong("your list is empty; it must hold leaves (32-byte txids)")
    for index, item in enumerate(answer):
        if not (isinstance(item, bytes) and len(item) == 32):
            kind = type(item).__name__
            what = f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"
            if isinstance(item, bytes):
                what = f"{len(item)} byte{'' if len(item) == 1 else 's'} long"
            raise Wrong(
                f"item [{index}] is {what}; every item must be a 32-byte hash "
                f"(bytes of length 32)"
            )
    if list(answer) == leaves:
        raise Wrong("that is the original list; the point is a DIFFERENT list")
    originals = set(leaves)
    for index, item in enumerate(answer):
        if item not in originals:
            turned = (
                "; it is an original txid with its bytes reversed: keep them in the "
                "order of `leaves` (internal byte order)"
                if item[::-1] in originals
                else ""
            )
            raise Wrong(
                f"item [{index}] is not one of the original txids{turned}. Use only "
                f"the original txids (a real attacker cannot find others)"
            )
    if _ref_root(list(answer)) != _ref_root(leaves):
        raise Wrong(
            f"your list of {len(answer)} leaves has another Merkle root than the "
            f"original's"
        )


mutated_leaves = Check(
    "03.5 mutated_leaves",
    _test_mutation,
    hints=[
        "Repeating the last leaf works for three leaves; with six, try it and see "
        "why it fails: the first level is even, so nothing is repeated there.",
        "Draw the tree of six leaves: which LEVEL is odd, and which node does Bitcoin "
        "repeat there? Which leaves is that node made of?",
        "Level 1 is [ab, cd, ef]: it repeats ef, which is made of e and f.",
    ],
    right=[_six() + _six()[4:]],
    wrong=[
        [b"\x00" * 32],
        "abc",
        _six(),
        _six()[::-1],
        _six() + [_six()[-1]],  # the three-leaf trick: another root here
        _six() + [_six()[-1]] * 2,
        _six() + _six()[4:][::-1],  # f, e: the order matters
        _six()[:4] + _six()[4:] * 2 + [b"\x00" * 32],
        tuple(_six() + _six()[4:]),  # right leaves, but not a list
        [],
        [leaf[::-1] for leaf in _six() + _six()[4:]],  # display order
        [bytearray(leaf) for leaf in _six() + _six()[4:]],
    ],
)
