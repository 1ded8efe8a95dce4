"""What the chain's tests share: fast parameters, a fixed clock and a miner.

Blocks mine at 0x2000ffff (about 256 hashes each) so tests stay fast; ``NOW`` is a
fixed current time well after genesis (pass ``clock=lambda: NOW``), so the
two-hour future rule never depends on the machine's clock.
"""

from __future__ import annotations

from refimpl.chain import Block, ChainParams, mine

__all__ = ["P", "NOW", "mined"]

P = ChainParams(chain_id=7, genesis_bits=0x2000FFFF)
NOW = P.genesis_timestamp + 10_000


def mined(block: Block) -> Block:
    """Mine ``block`` as is (header fields untouched except the nonce)."""
    found = mine(block.header)
    assert found is not None
    return block.with_header(found)
