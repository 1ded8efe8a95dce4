"""Ledger state (balances, nonces, supply, extension namespaces) and block context.

The state is what the chain computes from its blocks; it is never sent over the
wire. A block applies to a *copy* of its parent's state and the copy is kept only
if every rule passes (the way Bitcoin Core's ConnectBlock works on a
CCoinsViewCache and flushes only on success), so a rejected block changes nothing.
Introduced in lesson 03.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

__all__ = ["State", "BlockContext"]


@dataclass
class State:
    """Balances and nonces by address, the token supply and extension state.

    ``supply`` counts the tokens in existence: the genesis allocation plus every
    coinbase subsidy plus what extensions mint (a miner who claims less than
    subsidy + fees burns the difference). Introduced in lesson 03.
    """

    balances: dict[str, int] = field(default_factory=dict)
    nonces: dict[str, int] = field(default_factory=dict)
    supply: int = 0
    ext: dict[str, Any] = field(default_factory=dict)

    def balance(self, address: str) -> int:
        """The balance of ``address`` (0 if it never received anything)."""
        return self.balances.get(address, 0)

    def nonce(self, address: str) -> int:
        """The next nonce ``address`` must use."""
        return self.nonces.get(address, 0)

    def copy(self) -> State:
        """A deep copy (block application works on one and swaps on success)."""
        return State(
            dict(self.balances), dict(self.nonces), self.supply, copy.deepcopy(self.ext)
        )

    def snapshot(self) -> dict:
        """A plain, comparable dict of everything (tests: before == after)."""
        return {
            "balances": {k: v for k, v in sorted(self.balances.items()) if v},
            "nonces": {k: v for k, v in sorted(self.nonces.items()) if v},
            "supply": self.supply,
            "ext": copy.deepcopy(self.ext),
        }


@dataclass(frozen=True)
class BlockContext:
    """What a transaction may know about the block it is in.

    ``miner`` is the coinbase recipient's address; ``block_hash`` is the hash of
    the block's header (internal byte order). Introduced in lesson 05.
    """

    height: int
    timestamp: int
    miner: str
    block_hash: bytes
    chain_id: int
