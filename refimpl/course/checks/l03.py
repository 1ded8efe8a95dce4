"""Checks for lesson 03 (transactions and Merkle trees)."""

from __future__ import annotations

import hashlib

from refimpl.course import Check, FunctionCheck, Wrong

__all__ = [
    "merkle_parent",
    "merkle_root",
    "verify_proof",
    "can_apply",
    "mutated_leaves",
]


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
    """A 32-byte node as feedback prints it: its first 8 hex digits."""
    return f"{h[:4].hex()}…"


def _show_leaves(args: tuple) -> str:
    """``[876da3d0…, c40297f7…, c46e239a…] (3 leaves)``: the count is what matters."""
    (leaves,) = args
    items = [_node(x) for x in leaves[:4]] + (["…"] if len(leaves) > 4 else [])
    return f"[{', '.join(items)}] ({len(leaves)} leaves)"


def _show_proof(args: tuple) -> str:
    leaf, proof, root = args
    steps = ", ".join(f"({_node(s)}, {side!r})" for s, side in proof)
    return f"{_node(leaf)}, [{steps}], {_node(root)}"


# -- 03.1 --------------------------------------------------------------------------
def _merkle_parent(left: bytes, right: bytes) -> bytes:
    return _h(left + right)


merkle_parent = FunctionCheck(
    "03.1 merkle_parent",
    reference=_merkle_parent,
    cases=lambda: [
        (b"\x00" * 32, b"\x11" * 32),
        (b"\x11" * 32, b"\x00" * 32),
        (_leaf(1), _leaf(1)),
        tuple(_b100k()[:2]),
    ],
    hints=[
        "A parent is the double SHA-256 of its two children, joined left then right.",
        "Concatenate the 32-byte children (64 bytes) and hash twice with hashlib.",
        "hashlib.sha256(hashlib.sha256(left + right).digest()).digest()",
    ],
    solution=(
        "def merkle_parent(left, right):\n"
        "    return hashlib.sha256(hashlib.sha256(left + right).digest()).digest()"
    ),
    wrong=[
        lambda left, right: _h(right + left),
        lambda left, right: hashlib.sha256(left + right).digest(),
        lambda left, right: _h(left + right)[::-1],
    ],
)


# -- 03.2 --------------------------------------------------------------------------
def _merkle_root(leaves: list[bytes]) -> bytes:
    level = list(leaves)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [_h(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def _root_no_dup(leaves: list[bytes]) -> bytes:
    level = list(leaves)
    while len(level) > 1:
        nxt = [_h(level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])  # carries the odd node up unhashed
        level = nxt
    return level[0]


def _root_always_hash(leaves: list[bytes]) -> bytes:
    level = list(leaves)
    while True:
        if len(level) % 2:
            level.append(level[-1])
        level = [_h(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        if len(level) == 1:
            return level[0]


merkle_root = FunctionCheck(
    "03.2 merkle_root",
    reference=_merkle_root,
    cases=lambda: [
        ([_leaf(0)],),
        ([_leaf(0), _leaf(1)],),
        (_b100k(),),
        ([_leaf(i) for i in range(3)],),
        ([_leaf(i) for i in range(5)],),
        ([_leaf(i) for i in range(11)],),
    ],
    hints=[
        "Work level by level: pair neighbours, hash each pair, until one node is left.",
        "When a level has an odd number of nodes, repeat the last one before pairing. "
        "A single leaf is its own root (no hashing at all).",
        "while len(level) > 1: if len(level) % 2: level.append(level[-1]); then "
        "level = [merkle_parent(level[i], level[i + 1]) "
        "for i in range(0, len(level), 2)]",
    ],
    solution=(
        "def merkle_root(leaves):\n"
        "    level = list(leaves)\n"
        "    while len(level) > 1:\n"
        "        if len(level) % 2:\n"
        "            level.append(level[-1])\n"
        "        level = [merkle_parent(level[i], level[i + 1])\n"
        "                 for i in range(0, len(level), 2)]\n"
        "    return level[0]"
    ),
    wrong=[_root_no_dup, _root_always_hash, lambda leaves: _merkle_root(leaves[::-1])],
    show=_show_leaves,
)


# -- 03.3 --------------------------------------------------------------------------
def _verify(leaf: bytes, proof: list[tuple[bytes, str]], root: bytes) -> bool:
    node = leaf
    for sibling, side in proof:
        node = _h(sibling + node) if side == "left" else _h(node + sibling)
    return node == root


def _proof(leaves: list[bytes], index: int) -> list[tuple[bytes, str]]:
    level, out = list(leaves), []
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        if index % 2:
            out.append((level[index - 1], "left"))
        else:
            out.append((level[index + 1], "right"))
        level = [_h(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        index //= 2
    return out


def _proof_cases() -> list[tuple]:
    b = _b100k()
    root = _merkle_root(b)
    five = [_leaf(i) for i in range(5)]
    r5 = _merkle_root(five)
    flipped = [(s, "left" if d == "right" else "right") for s, d in _proof(b, 2)]
    return [
        (b[2], _proof(b, 2), root),
        (b[1], _proof(b, 1), root),
        (b[3], _proof(b, 2), root),  # another leaf's proof
        (b[2], flipped, root),  # right hashes, wrong sides
        (five[4], _proof(five, 4), r5),  # odd level: paired with itself
        (five[4], _proof(five, 4), root),  # wrong root
        (b[0], [], root),  # an empty proof only works for a one-leaf tree
        (five[0], [], five[0]),
    ]


verify_proof = FunctionCheck(
    "03.3 verify_proof",
    reference=_verify,
    cases=_proof_cases,
    hints=[
        "Start from the leaf and climb: each proof step gives a sibling and its side.",
        "If the sibling is on the left, the parent is H(sibling + node); otherwise "
        "H(node + sibling). At the top, compare with the root.",
        "for sibling, side in proof: node = merkle_parent(sibling, node) if side == "
        "'left' else merkle_parent(node, sibling); return node == root",
    ],
    solution=(
        "def verify_proof(leaf, proof, root):\n"
        "    node = leaf\n"
        "    for sibling, side in proof:\n"
        "        if side == 'left':\n"
        "            node = merkle_parent(sibling, node)\n"
        "        else:\n"
        "            node = merkle_parent(node, sibling)\n"
        "    return node == root"
    ),
    wrong=[
        lambda leaf, proof, root: True,
        lambda leaf, proof, root: _verify(leaf, [(s, "right") for s, _ in proof], root),
        lambda leaf, proof, root: any(s == leaf for s, _ in proof) or bool(proof),
    ],
    show=_show_proof,
)


# -- 03.4 --------------------------------------------------------------------------
def _can_apply(
    balance: int, next_nonce: int, amount: int, fee: int, nonce: int
) -> bool:
    return nonce == next_nonce and amount > 0 and fee >= 0 and amount + fee <= balance


can_apply = FunctionCheck(
    "03.4 can_apply",
    reference=_can_apply,
    cases=[
        (100, 0, 60, 1, 0),
        (100, 3, 60, 1, 3),
        (100, 3, 60, 1, 2),  # reused nonce (a replay)
        (100, 3, 60, 1, 4),  # skipped nonce
        (100, 0, 100, 0, 0),  # spends everything
        (100, 0, 100, 1, 0),  # the fee tips it over
        (100, 0, 0, 1, 0),  # zero amount
        (100, 0, -5, 1, 0),  # negative amount
        (100, 0, 10, -1, 0),  # negative fee
        (0, 0, 1, 0, 0),
    ],
    hints=[
        "Four rules: the nonce is exactly the next one, the amount is positive, the "
        "fee is not negative, and the balance covers amount AND fee.",
        "A nonce below next_nonce is a replay; above it is a gap. Both are refused.",
        "return nonce == next_nonce and amount > 0 and fee >= 0 and "
        "amount + fee <= balance",
    ],
    solution=(
        "def can_apply(balance, next_nonce, amount, fee, nonce):\n"
        "    return (nonce == next_nonce and amount > 0 and fee >= 0\n"
        "            and amount + fee <= balance)"
    ),
    wrong=[
        lambda b, n, a, f, nonce: nonce >= n and a > 0 and f >= 0 and a + f <= b,
        lambda b, n, a, f, nonce: nonce == n and a > 0 and f >= 0 and a <= b,
        lambda b, n, a, f, nonce: nonce == n and a + f <= b,
    ],
)


# -- 03.5 --------------------------------------------------------------------------
def _three() -> list[bytes]:
    return _b100k()[:3]


def _test_mutation(answer: object) -> None:
    leaves = _three()
    if not isinstance(answer, (list, tuple)):
        raise Wrong(f"expected a list of 32-byte hashes, got a {type(answer).__name__}")
    if not answer or not all(isinstance(x, bytes) and len(x) == 32 for x in answer):
        raise Wrong("every item must be a 32-byte hash (bytes of length 32)")
    if list(answer) == leaves:
        raise Wrong("that is the original list; the point is a DIFFERENT list")
    if _merkle_root(list(answer)) != _merkle_root(leaves):
        raise Wrong("your list's Merkle root differs from the original's root")
    if not set(answer) <= set(leaves):
        raise Wrong("use only the original txids (a real attacker cannot find others)")


mutated_leaves = Check(
    "03.5 mutated_leaves",
    _test_mutation,
    hints=[
        "The odd-node rule repeats the last node of an odd level. What if the list "
        "already repeated it?",
        "With three leaves a, b, c the tree hashes a, b, c, c.",
        "mutated = leaves + [leaves[-1]]",
    ],
    solution="mutated = leaves + [leaves[-1]]  # [a, b, c, c]: CVE-2012-2459",
    right=[_three() + [_three()[2]]],
    wrong=[[b"\x00" * 32], "abc", _three(), _three()[::-1]],
)
