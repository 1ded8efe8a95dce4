"""The NFT package's exception family (EIP-721, EIP-2981, OpenZeppelin 5 error names).

Every error is an :class:`NFTError`; ``str(e)`` is a readable reason. The names follow
OpenZeppelin's ``draft-IERC6093.sol`` (``ERC721NonexistentToken`` ->
:class:`NonexistentToken`, ...). A call that raises one of these changed nothing.
Introduced in lesson 11.
"""

from __future__ import annotations

__all__ = [
    "NFTError",
    "NonexistentToken",
    "InsufficientApproval",
    "IncorrectOwner",
    "InvalidReceiver",
    "InvalidApprover",
    "InvalidOperator",
    "InvalidOwner",
    "TokenAlreadyMinted",
    "InvalidTokenId",
    "InvalidArgument",
    "InvalidAccount",
    "InvalidCID",
    "OutOfBoundsIndex",
    "InvalidRoyalty",
    "MetadataError",
    "DuplicateContent",
    "MarketError",
    "CollectionError",
    "ProvenanceMismatch",
]


class NFTError(Exception):
    """Base of every error raised by ``refimpl.nft``."""


class NonexistentToken(NFTError):
    """ERC721NonexistentToken(tokenId): the id was never minted or was burned."""

    def __init__(self, token_id: int) -> None:
        self.token_id = token_id
        super().__init__(f"token {token_id} does not exist")


class InsufficientApproval(NFTError):
    """ERC721InsufficientApproval(operator, tokenId): not owner/approved/operator."""

    def __init__(self, operator: str, token_id: int) -> None:
        self.operator = operator
        self.token_id = token_id
        super().__init__(
            f"{operator!r} is neither the owner of token {token_id}, "
            "nor approved for it, nor an operator of its owner"
        )


class IncorrectOwner(NFTError):
    """ERC721IncorrectOwner(sender, tokenId, owner): ``from`` is not the owner."""

    def __init__(self, sender: str, token_id: int, owner: str) -> None:
        self.sender = sender
        self.token_id = token_id
        self.owner = owner
        super().__init__(
            f"token {token_id} is owned by {owner!r}, not by {sender!r} (wrong 'from')"
        )


class InvalidReceiver(NFTError):
    """ERC721InvalidReceiver(receiver): the zero address, or a receiver hook refused."""

    def __init__(self, receiver: str, why: str = "") -> None:
        self.receiver = receiver
        super().__init__(f"invalid receiver {receiver!r}" + (f": {why}" if why else ""))


class InvalidApprover(NFTError):
    """ERC721InvalidApprover(approver): caller is neither owner nor operator."""

    def __init__(self, approver: str) -> None:
        self.approver = approver
        super().__init__(
            f"{approver!r} may not approve: only the owner or an operator can"
        )


class InvalidOperator(NFTError):
    """ERC721InvalidOperator(operator): the zero address cannot be an operator."""

    def __init__(self, operator: str) -> None:
        self.operator = operator
        super().__init__(f"invalid operator {operator!r}")


class InvalidOwner(NFTError):
    """ERC721InvalidOwner(owner): ``balance_of`` of the zero address."""

    def __init__(self, owner: str) -> None:
        self.owner = owner
        super().__init__(f"invalid owner {owner!r}: the zero address owns nothing")


class TokenAlreadyMinted(NFTError):
    """Minting an id that exists (OpenZeppelin: ERC721InvalidSender(0x0))."""

    def __init__(self, token_id: int, why: str = "already exists") -> None:
        self.token_id = token_id
        super().__init__(f"token {token_id} {why}")


class InvalidTokenId(NFTError, ValueError):
    """A token id outside uint256 (0 <= id < 2**256) or not an int."""

    def __init__(self, token_id: object) -> None:
        self.token_id = token_id
        super().__init__(f"token id {token_id!r} is not an integer in 0 .. 2**256 - 1")


class InvalidArgument(NFTError, TypeError, ValueError):
    """An argument of the wrong type or out of its range (not an ERC-721 rule).

    On the EVM the ABI decoder refuses such a call before the contract runs; here the
    registry refuses it before anything changes. Also a ``TypeError`` and a
    ``ValueError``, so code written against the built-in errors still catches it.
    """


class InvalidAccount(InvalidArgument):
    """An account that is not an address: not a ``str``, or the empty string."""

    def __init__(self, what: str, account: object) -> None:
        self.account = account
        super().__init__(
            f"{what} must be an address (a non-empty str), "
            f"got {type(account).__name__} {account!r:.60}"
        )


class InvalidCID(NFTError, ValueError):
    """Not a raw sha2-256 CIDv1 in base32 (or not a 32-byte sha256 digest)."""


class OutOfBoundsIndex(NFTError):
    """ERC721OutOfBoundsIndex(owner, index) of the Enumerable extension."""

    def __init__(self, owner: str, index: int) -> None:
        self.owner = owner
        self.index = index
        super().__init__(f"index {index} is out of bounds for {owner!r}")


class InvalidRoyalty(NFTError, ValueError):
    """ERC2981InvalidDefaultRoyalty / InvalidTokenRoyalty / ...Receiver."""


class MetadataError(NFTError, ValueError):
    """Token metadata JSON that is malformed, incomplete or points at other content."""


class DuplicateContent(NFTError):
    """The same content id (the same image) is already minted."""


class MarketError(NFTError):
    """A listing or sale that cannot happen (not listed, wrong price, no funds)."""


class CollectionError(NFTError):
    """A collection on disk that is missing, truncated or tampered with."""


class ProvenanceMismatch(NFTError):
    """Re-rendering from the recorded seed and model does not give the minted image."""
