"""Consensus parameters of the course chain, scaled down from Bitcoin's.

Bitcoin retargets every 2016 blocks for 10-minute spacing (chainparams.cpp:
``nPowTargetTimespan = 14 * 24 * 60 * 60``, ``nPowTargetSpacing = 10 * 60``).
The course retargets every 10 blocks for a 2-second spacing, and starts at
``0x1f00ffff`` (about 65,536 hashes per block, ~50 ms in Python).
Introduced in lesson 04.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import ChainError
from .pow import bits_to_target

__all__ = ["ChainParams"]

_MAX = 2**63 - 1
# field: (smallest allowed, largest allowed)
_RANGES = {
    "chain_id": (0, _MAX),
    "subsidy": (0, _MAX),
    "genesis_bits": (1, 2**32 - 1),
    "pow_limit": (1, 2**256 - 1),
    "retarget_interval": (1, _MAX),
    "target_spacing": (1, 2**32 - 1),
    "max_block_size": (81, 2**32 - 1),  # at least a header and a count
    "max_future_seconds": (0, 2**32 - 1),
    "median_time_span": (1, 1_000),
    "genesis_timestamp": (0, 2**32 - 1),
    "block_version": (-(2**31), 2**31 - 1),
}


@dataclass(frozen=True)
class ChainParams:
    """Everything two nodes must agree on to agree on the chain."""

    chain_id: int = 1
    subsidy: int = 50 * 10**8  # Bitcoin's first subsidy, in base units
    halving_interval: int | None = None  # Bitcoin: 210,000; None = no halving
    genesis_bits: int = 0x1F00FFFF
    pow_limit: int = 0x7FFFFF << (8 * (0x20 - 3))  # regtest's limit, 0x207fffff
    retarget_interval: int = 10  # blocks (Bitcoin: 2016)
    target_spacing: int = 2  # seconds (Bitcoin: 600)
    max_block_size: int = 1_000_000  # bytes (Bitcoin's pre-SegWit MAX_BLOCK_SIZE)
    max_future_seconds: int = 2 * 60 * 60  # MAX_FUTURE_BLOCK_TIME
    median_time_span: int = 11  # blocks in median-time-past (BIP-113)
    genesis_timestamp: int = 1_700_000_000
    block_version: int = 1

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "halving_interval" and value is None:
                continue
            lo, hi = _RANGES.get(f.name, (1, _MAX))
            if type(value) is not int:
                raise ChainError(
                    f"ChainParams.{f.name} must be an int, not {type(value).__name__}"
                )
            if not lo <= value <= hi:
                raise ChainError(
                    f"ChainParams.{f.name} = {value} is outside [{lo}, {hi}]"
                )
        try:
            target = bits_to_target(self.genesis_bits)
        except ValueError as e:
            raise ChainError(f"ChainParams.genesis_bits: {e}") from None
        if not 0 < target <= self.pow_limit:
            raise ChainError(
                f"ChainParams.genesis_bits {self.genesis_bits:#010x} encode a target "
                "outside (0, pow_limit]"
            )

    @property
    def target_timespan(self) -> int:
        """Seconds one retarget interval should take."""
        return self.retarget_interval * self.target_spacing

    def subsidy_at(self, height: int) -> int:
        """Block subsidy at ``height`` (validation.cpp ``GetBlockSubsidy``)."""
        if self.halving_interval is None:
            return self.subsidy
        halvings = height // self.halving_interval
        return 0 if halvings >= 64 else self.subsidy >> halvings
