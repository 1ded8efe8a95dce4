"""Merkle trees the Bitcoin way: roots, proofs (SPV branches) and their check.

Leaves are 32-byte hashes in internal byte order (a txid as sha256d returns it).
A parent is ``sha256d(left + right)``; an odd level repeats its last node
(Bitcoin Core consensus/merkle.cpp ``ComputeMerkleRoot``), and a single leaf is
its own root. Because of that repetition, ``[a, b, c]`` and ``[a, b, c, c]`` have
the same root: blocks must reject a repeated txid (CVE-2012-2459).
Introduced in lesson 03.
"""

from __future__ import annotations

from collections.abc import Sequence

from refimpl.crypto import sha256d

__all__ = [
    "merkle_parent",
    "merkle_root",
    "merkle_proof",
    "verify_merkle_proof",
    "has_duplicate_leaves",
]


def merkle_parent(left: bytes, right: bytes) -> bytes:
    """The parent node: sha256d of the two children concatenated."""
    return sha256d(left + right)


def _check_leaves(leaves: Sequence[bytes]) -> list[bytes]:
    level = list(leaves)
    if not level:
        raise ValueError("a Merkle tree needs at least one leaf")
    for i, leaf in enumerate(level):
        if not isinstance(leaf, (bytes, bytearray)) or len(leaf) != 32:
            raise ValueError(f"leaf {i} is not a 32-byte hash")
    return [bytes(x) for x in level]


def _next_level(level: list[bytes]) -> list[bytes]:
    if len(level) % 2:
        level = level + [level[-1]]
    return [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Bitcoin's Merkle root of 32-byte leaves (ValueError if there are none)."""
    level = _check_leaves(leaves)
    while len(level) > 1:
        level = _next_level(level)
    return level[0]


def merkle_proof(leaves: Sequence[bytes], index: int) -> list[tuple[bytes, str]]:
    """The SPV branch for ``leaves[index]``: (sibling, side) pairs, leaf to root.

    ``side`` is ``"left"`` or ``"right"``: where the sibling sits. Bitcoin's
    ``ComputeMerkleRootFromBranch`` carries the same information as the bits of
    the leaf's index. A node without a partner is paired with itself.
    """
    level = _check_leaves(leaves)
    if not isinstance(index, int) or not 0 <= index < len(level):
        raise ValueError(f"index {index!r} is not in range(0, {len(level)})")
    proof: list[tuple[bytes, str]] = []
    while len(level) > 1:
        if index % 2:
            proof.append((level[index - 1], "left"))
        else:
            partner = index + 1 if index + 1 < len(level) else index
            proof.append((level[partner], "right"))
        level = _next_level(level)
        index //= 2
    return proof


def verify_merkle_proof(
    leaf: bytes, proof: Sequence[tuple[bytes, str]], root: bytes
) -> bool:
    """True iff hashing ``leaf`` up through ``proof`` gives ``root``.

    Malformed input gives False, never an exception.
    """
    try:
        node = bytes(leaf)
        if len(node) != 32 or len(bytes(root)) != 32:
            return False
        for sibling, side in proof:
            sibling = bytes(sibling)
            if len(sibling) != 32:
                return False
            if side == "left":
                node = sha256d(sibling + node)
            elif side == "right":
                node = sha256d(node + sibling)
            else:
                return False
        return node == bytes(root)
    except (TypeError, ValueError):
        return False


def has_duplicate_leaves(leaves: Sequence[bytes]) -> bool:
    """True if a leaf repeats (the CVE-2012-2459 mutation a block must reject)."""
    return len(set(leaves)) != len(leaves)
