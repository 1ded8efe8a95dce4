"""The course's network keys: one hotkey and one coldkey per role and seed.

``python -m refimpl.net miner --seed 7`` and a notebook that calls
``hotkey("miner", 7)`` get the same key, so a learner never copies a secret around.
These keys are public by construction: fine for a classroom, never for real money.
Introduced in lesson 15.
"""

from __future__ import annotations

from refimpl.crypto import CURVE_ORDER, PrivateKey, sha256d

__all__ = ["ROLES", "hotkey", "coldkey", "FUNDED_VALIDATOR_SEEDS", "VALIDATOR_FUNDS"]

ROLES = ("miner", "validator", "node")

#: Validator seeds whose coldkeys the genesis block funds (so they can stake).
FUNDED_VALIDATOR_SEEDS = range(8)
#: Tokens each of those coldkeys starts with.
VALIDATOR_FUNDS = 1_000_000


def _key(role: str, seed: int, which: str) -> PrivateKey:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an int in [0, 2**32), not {seed!r}")
    digest = sha256d(f"chainmind-net/{role}/{seed}/{which}".encode())
    return PrivateKey(int.from_bytes(digest, "big") % (CURVE_ORDER - 1) + 1)


def hotkey(role: str, seed: int) -> PrivateKey:
    """The hotkey of ``role`` number ``seed``: it signs requests and weights."""
    return _key(role, seed, "hot")


def coldkey(role: str, seed: int) -> PrivateKey:
    """The coldkey of ``role`` number ``seed``: it pays registration and stake."""
    return _key(role, seed, "cold")
