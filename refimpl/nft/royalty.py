"""Royalties after EIP-2981 with integer basis points (OpenZeppelin ``ERC2981``).

``royaltyInfo(tokenId, salePrice) -> (receiver, amount)`` with
``amount = salePrice * bps / 10000`` rounded down (OpenZeppelin's ``mulDiv``, floor).
Python ints never overflow, so this matches OpenZeppelin 5.7 for every uint256 price.
Introduced in lesson 11.
"""

from __future__ import annotations

from .errors import InvalidArgument, InvalidRoyalty

__all__ = ["FEE_DENOMINATOR", "royalty_amount"]

#: OpenZeppelin ``_feeDenominator()``: royalties are expressed in basis points.
FEE_DENOMINATOR = 10_000


def royalty_amount(sale_price: int, bps: int) -> int:
    """Royalty on ``sale_price`` at ``bps`` basis points: floor(price*bps/10000).

    ``royalty_amount(1000, 200) == 20``; ``royalty_amount(999, 1000) == 99`` (floor).
    A non-int (or bool) is :class:`InvalidArgument`, a negative price too, and ``bps``
    outside 0..10000 :class:`InvalidRoyalty` (NFT errors that are also ValueErrors;
    EIP-2981; integer arithmetic only, never float). Introduced in lesson 11.
    """
    for name, v in (("sale_price", sale_price), ("bps", bps)):
        if isinstance(v, bool) or not isinstance(v, int):
            raise InvalidArgument(f"{name} must be an int, got {type(v).__name__}")
    if sale_price < 0:
        raise InvalidArgument(f"sale price {sale_price} is negative")
    if not 0 <= bps <= FEE_DENOMINATOR:
        raise InvalidRoyalty(f"royalty of {bps} bps is outside 0..{FEE_DENOMINATOR}")
    return sale_price * bps // FEE_DENOMINATOR
