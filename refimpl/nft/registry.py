"""An ERC-721 registry in plain Python, rule for rule after OpenZeppelin 5.

Accounts are strings: the chain's addresses (``PublicKey.address``), or short names in
lesson 11; :data:`ZERO_ADDRESS` is the null account (Solidity's ``address(0)``). Where
the course differs from OpenZeppelin on purpose is listed in ``docs/api_nft.md``.

Every public method first *checks* (raising an :class:`~refimpl.nft.errors.NFTError`
in OpenZeppelin's error order) and only then *changes* state, so a failed call changes
nothing and emits nothing. The only call that runs foreign code after a change, the
receiver hook of a *safe* transfer or mint, is undone when the hook refuses. Specs:
EIP-721 (ERC-721, ERC721Metadata, ERC721Enumerable), EIP-2981 (royalties), EIP-4906
(``MetadataUpdate``), OpenZeppelin ``ERC721.sol``, ``ERC721Burnable``,
``ERC721URIStorage``, ``ERC2981`` (v5.7).

Enumeration follows OpenZeppelin's ``ERC721Enumerable`` exactly: a mint appends the
id to the global list and to its owner's list; a transfer or burn removes it by
*swap-and-pop* (the last id moves into its slot), so the order is OpenZeppelin's, not
ascending. Arguments are checked for type before anything else (the EVM's ABI decoder
does that): an account is a non-empty ``str``, a token id an ``int`` in uint256 (a
``bool`` is not an int), otherwise :class:`~refimpl.nft.errors.InvalidAccount` /
:class:`~refimpl.nft.errors.InvalidTokenId` / ``InvalidArgument``.

Re-minting: like OpenZeppelin, ``NFTRegistry(...)`` lets a burned id be minted again
(per-token URI and royalty survive the burn). ``NFTRegistry(..., allow_remint=False)``
never reuses an id; the on-chain registry of lesson 12 uses that, so an id always
names one artwork. Introduced in lesson 11.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from .errors import (
    IncorrectOwner,
    InsufficientApproval,
    InvalidAccount,
    InvalidApprover,
    InvalidArgument,
    InvalidOperator,
    InvalidOwner,
    InvalidReceiver,
    InvalidRoyalty,
    InvalidTokenId,
    NonexistentToken,
    OutOfBoundsIndex,
    TokenAlreadyMinted,
)
from .royalty import FEE_DENOMINATOR

__all__ = [
    "ZERO_ADDRESS",
    "ERC721_RECEIVED",
    "INTERFACE_IDS",
    "Event",
    "ERC721Receiver",
    "NFTRegistry",
]

#: The null account, Solidity's ``address(0)``: the P2PKH address of a zero hash160
#: (Base58Check of 21 zero bytes), which no key can sign for. Owns nothing, is never
#: an owner.
ZERO_ADDRESS = "1111111111111111111114oLvT2"

#: ``IERC721Receiver.onERC721Received.selector``: what a willing receiver returns.
ERC721_RECEIVED = bytes.fromhex("150b7a02")

#: ERC-165 interface ids the registry reports (EIP-165, EIP-721, EIP-2981, EIP-4906).
INTERFACE_IDS = {
    "ERC165": 0x01FFC9A7,
    "ERC721": 0x80AC58CD,
    "ERC721Metadata": 0x5B5E139F,
    "ERC721Enumerable": 0x780E9D63,
    "ERC2981": 0x2A55205A,
    "ERC4906": 0x49064906,
}

_UINT256 = 2**256


@dataclass(frozen=True)
class Event:
    """A log entry: ``name`` ("Transfer", "Approval", ...) and its named ``args``."""

    name: str
    args: dict[str, Any]


class ERC721Receiver(Protocol):
    """A "contract account": an object whose hook decides whether to accept a token.

    Must return :data:`ERC721_RECEIVED` (``0x150b7a02``), like Solidity's
    ``IERC721Receiver.onERC721Received(operator, from, tokenId, data)``.
    """

    def on_erc721_received(
        self, operator: str, from_: str, token_id: int, data: bytes
    ) -> bytes: ...


@dataclass
class NFTRegistry:
    """An ERC-721 collection with metadata, royalties and enumeration (lesson 11).

    Plain dicts only, so ``copy.deepcopy`` and ``==`` work (the chain keeps one in
    ``State.ext["nft"]``).
    """

    name: str
    symbol: str
    base_uri: str = ""
    allow_remint: bool = True
    owners: dict[int, str] = field(default_factory=dict)
    balances: dict[str, int] = field(default_factory=dict)
    token_approvals: dict[int, str] = field(default_factory=dict)
    operator_approvals: dict[str, dict[str, bool]] = field(default_factory=dict)
    token_uris: dict[int, str] = field(default_factory=dict)
    default_royalty: tuple[str, int] | None = None
    token_royalties: dict[int, tuple[str, int]] = field(default_factory=dict)
    burned: set[int] = field(default_factory=set)
    #: ERC721Enumerable ``_allTokens``: existing ids in OpenZeppelin's order.
    all_tokens: list[int] = field(default_factory=list)
    #: ERC721Enumerable ``_ownedTokens``: each owner's ids in OpenZeppelin's order.
    owned_tokens: dict[str, list[int]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    #: address -> receiver object: "contract accounts" whose hook safe calls consult.
    contracts: dict[str, Any] = field(default_factory=dict, compare=False)

    # ----- reading --------------------------------------------------------------
    def supports_interface(self, interface_id: int) -> bool:
        """ERC-165 ``supportsInterface`` (false for 0xffffffff)."""
        return interface_id in INTERFACE_IDS.values()

    def balance_of(self, owner: str) -> int:
        """How many tokens ``owner`` holds; the zero address is ``InvalidOwner``."""
        _check_account("owner", owner)
        if owner == ZERO_ADDRESS:
            raise InvalidOwner(owner)
        return self.balances.get(owner, 0)

    def owner_of(self, token_id: int) -> str:
        """The owner of ``token_id``; never the zero address (``NonexistentToken``)."""
        return self._require_owned(token_id)

    def get_approved(self, token_id: int) -> str:
        """The single approved address of ``token_id`` (zero address when none)."""
        self._require_owned(token_id)
        return self.token_approvals.get(token_id, ZERO_ADDRESS)

    def is_approved_for_all(self, owner: str, operator: str) -> bool:
        """True when ``operator`` may manage every token of ``owner``."""
        _check_account("owner", owner)
        _check_account("operator", operator)
        return self.operator_approvals.get(owner, {}).get(operator, False)

    def token_uri(self, token_id: int) -> str:
        """ERC721Metadata ``tokenURI`` (URIStorage): per-token URI, else base + id."""
        self._require_owned(token_id)
        uri = self.token_uris.get(token_id, "")
        if uri:
            return self.base_uri + uri if self.base_uri else uri
        return self.base_uri + str(token_id) if self.base_uri else ""

    def royalty_info(self, token_id: int, sale_price: int) -> tuple[str, int]:
        """EIP-2981 ``royaltyInfo``: (receiver, floor(price * bps / 10000)).

        A per-token royalty wins when its receiver is not zero; otherwise the default;
        with neither, ``(ZERO_ADDRESS, 0)``. No existence check (as OpenZeppelin).
        """
        _check_id(token_id)
        if isinstance(sale_price, bool) or not isinstance(sale_price, int):
            raise InvalidArgument(
                f"sale_price must be an int, got {type(sale_price).__name__}"
            )
        if sale_price < 0:
            raise InvalidArgument(f"sale price {sale_price} is negative")
        receiver, bps = self.token_royalties.get(token_id, (ZERO_ADDRESS, 0))
        if receiver == ZERO_ADDRESS:
            receiver, bps = self.default_royalty or (ZERO_ADDRESS, 0)
        return receiver, sale_price * bps // FEE_DENOMINATOR

    def total_supply(self) -> int:
        """ERC721Enumerable ``totalSupply``: how many tokens exist now."""
        return len(self.owners)

    def token_by_index(self, index: int) -> int:
        """The ``index``-th existing id, in OpenZeppelin's (swap-and-pop) order."""
        _check_index(index)
        if index >= len(self.all_tokens):
            raise OutOfBoundsIndex(ZERO_ADDRESS, index)
        return self.all_tokens[index]

    def token_of_owner_by_index(self, owner: str, index: int) -> int:
        """The ``index``-th id held by ``owner``, in OpenZeppelin's order.

        As OpenZeppelin, the zero address is ``InvalidOwner`` (``balanceOf`` first).
        """
        _check_index(index)
        if index >= self.balance_of(owner):
            raise OutOfBoundsIndex(owner, index)
        return self.owned_tokens[owner][index]

    def is_authorized(self, owner: str, spender: str, token_id: int) -> bool:
        """OpenZeppelin ``_isAuthorized``: owner, approved address or operator."""
        _check_account("owner", owner)
        _check_account("spender", spender)
        return spender != ZERO_ADDRESS and (
            spender == owner
            or self.is_approved_for_all(owner, spender)
            or self.token_approvals.get(token_id) == spender
        )

    # ----- checks (raise in OpenZeppelin's order; never change anything) ---------
    def check_mint(self, to: str, token_id: int) -> None:
        """Why ``mint(to, token_id)`` would fail, as an exception (else None)."""
        _check_account("to", to)
        _check_id(token_id)
        if to == ZERO_ADDRESS:
            raise InvalidReceiver(to)
        if token_id in self.owners:
            raise TokenAlreadyMinted(token_id)
        if token_id in self.burned and not self.allow_remint:
            raise TokenAlreadyMinted(token_id, "was burned; ids are never reused here")

    def check_transfer(
        self, caller: str | None, from_: str, to: str, token_id: int
    ) -> str:
        """Checks of ``transfer_from`` (caller None: unrestricted); returns owner."""
        if caller is not None:
            _check_account("caller", caller)
        _check_account("from_", from_)
        _check_account("to", to)
        _check_id(token_id)
        if to == ZERO_ADDRESS:
            raise InvalidReceiver(to)
        owner = self._require_owned(token_id)
        if caller is not None and not self.is_authorized(owner, caller, token_id):
            raise InsufficientApproval(caller, token_id)
        if owner != from_:
            raise IncorrectOwner(from_, token_id, owner)
        return owner

    def check_approve(self, caller: str, to: str, token_id: int) -> str:
        """Checks of ``approve``; returns the owner."""
        _check_account("caller", caller)
        _check_account("to", to)
        owner = self._require_owned(token_id)
        if caller != owner and not self.is_approved_for_all(owner, caller):
            raise InvalidApprover(caller)
        return owner

    def check_set_approval_for_all(self, caller: str, operator: str) -> None:
        """Checks of ``set_approval_for_all``."""
        _check_account("caller", caller)
        _check_account("operator", operator)
        if caller == ZERO_ADDRESS:
            raise InvalidApprover(caller)
        if operator == ZERO_ADDRESS:
            raise InvalidOperator(operator)

    def check_burn(self, caller: str | None, token_id: int) -> str:
        """Checks of ``burn`` (caller None = unrestricted); returns the owner."""
        if caller is not None:
            _check_account("caller", caller)
        owner = self._require_owned(token_id)
        if caller is not None and not self.is_authorized(owner, caller, token_id):
            raise InsufficientApproval(caller, token_id)
        return owner

    # ----- changes -------------------------------------------------------------
    def mint(self, to: str, token_id: int) -> None:
        """Create ``token_id`` for ``to``; emits ``Transfer(ZERO_ADDRESS, to, id)``."""
        self.check_mint(to, token_id)
        self._update(to, token_id, ZERO_ADDRESS)

    def safe_mint(
        self, to: str, token_id: int, data: bytes = b"", *, caller: str
    ) -> None:
        """``mint`` then ask a contract-account receiver; undone if it refuses.

        As OpenZeppelin's ``_safeMint``, the hook's ``operator`` is ``caller`` (the
        ``msg.sender`` of the minting call) and its ``from`` the zero address.
        """
        _check_account("caller", caller)
        self.check_mint(to, token_id)
        _check_data(data)
        self._update_and_ask(caller, to, ZERO_ADDRESS, token_id, data)

    def transfer_from(self, caller: str, from_: str, to: str, token_id: int) -> None:
        """Move ``token_id`` from ``from_`` to ``to``; caller must be authorized.

        Error order (OpenZeppelin 5): InvalidReceiver(0), NonexistentToken,
        InsufficientApproval, IncorrectOwner. Clears the single approval (no
        ``Approval`` event), emits one ``Transfer``. ``caller`` must be an address
        (the unrestricted transfer is :meth:`unrestricted_transfer`).
        """
        _check_account("caller", caller)
        owner = self.check_transfer(caller, from_, to, token_id)
        self._update(to, token_id, owner)

    def safe_transfer_from(
        self, caller: str, from_: str, to: str, token_id: int, data: bytes = b""
    ) -> None:
        """``transfer_from``, then ask a contract receiver; undone if it refuses."""
        _check_account("caller", caller)
        owner = self.check_transfer(caller, from_, to, token_id)
        _check_data(data)
        self._update_and_ask(caller, to, owner, token_id, data)

    def unrestricted_transfer(self, from_: str, to: str, token_id: int) -> None:
        """OpenZeppelin's internal ``_transfer``: no caller check.

        For consensus paths such as lesson 12's marketplace sale. Still fails on a zero
        receiver, a missing token or a wrong ``from_`` (InvalidReceiver,
        NonexistentToken, IncorrectOwner).
        """
        owner = self.check_transfer(None, from_, to, token_id)
        self._update(to, token_id, owner)

    def log_event(self, name: str, **args: Any) -> None:
        """Append an event of a contract built on the registry to its log.

        Lesson 12's marketplace logs ``Listed``, ``Unlisted`` and ``Sale`` here, next to
        the registry's own ``Transfer`` and ``Approval``.
        """
        if not isinstance(name, str) or not name:
            raise InvalidArgument(f"an event name is a non-empty str, got {name!r}")
        self._emit(name, **args)

    def approve(self, caller: str, to: str, token_id: int) -> None:
        """Set the single approved address (``to = ZERO_ADDRESS`` clears it).

        Only the owner or an operator may; emits ``Approval(owner, to, id)`` naming the
        owner, every time.
        """
        owner = self.check_approve(caller, to, token_id)
        if to == ZERO_ADDRESS:
            self.token_approvals.pop(token_id, None)
        else:
            self.token_approvals[token_id] = to
        self._emit("Approval", owner=owner, approved=to, token_id=token_id)

    def set_approval_for_all(self, caller: str, operator: str, approved: bool) -> None:
        """Let ``operator`` manage all of ``caller``'s tokens; emits every time."""
        self.check_set_approval_for_all(caller, operator)
        if not isinstance(approved, bool):
            raise InvalidArgument(
                f"approved must be a bool, got {type(approved).__name__}"
            )
        ops = self.operator_approvals.setdefault(caller, {})
        if approved:
            ops[operator] = True
        else:
            ops.pop(operator, None)
            if not ops:
                del self.operator_approvals[caller]
        self._emit("ApprovalForAll", owner=caller, operator=operator, approved=approved)

    def burn(self, caller: str | None, token_id: int) -> None:
        """Destroy ``token_id`` (ERC721Burnable); caller must be authorized.

        ``caller=None`` is the unrestricted internal ``_burn``. Emits
        ``Transfer(owner, ZERO_ADDRESS, id)``; the approval goes with the token.
        """
        owner = self.check_burn(caller, token_id)
        self._update(ZERO_ADDRESS, token_id, owner)

    def set_token_uri(self, token_id: int, uri: str) -> None:
        """URIStorage ``_setTokenURI`` (allowed before mint); emits MetadataUpdate."""
        _check_id(token_id)
        if not isinstance(uri, str):
            raise InvalidArgument(f"uri must be a str, got {type(uri).__name__}")
        self.token_uris[token_id] = uri
        self._emit("MetadataUpdate", token_id=token_id)

    def set_default_royalty(self, receiver: str, bps: int) -> None:
        """ERC2981 ``_setDefaultRoyalty``: bps checked first, then the receiver."""
        _check_account("receiver", receiver)
        _check_bps(bps, "ERC2981InvalidDefaultRoyalty")
        if receiver == ZERO_ADDRESS:
            raise InvalidRoyalty("ERC2981InvalidDefaultRoyaltyReceiver: zero receiver")
        self.default_royalty = (receiver, bps)

    def delete_default_royalty(self) -> None:
        """ERC2981 ``_deleteDefaultRoyalty``: royalty_info falls back to (0x0, 0)."""
        self.default_royalty = None

    def set_token_royalty(self, token_id: int, receiver: str, bps: int) -> None:
        """ERC2981 ``_setTokenRoyalty``: overrides the default for one id."""
        _check_account("receiver", receiver)
        _check_id(token_id)
        _check_bps(bps, f"ERC2981InvalidTokenRoyalty for token {token_id}")
        if receiver == ZERO_ADDRESS:
            raise InvalidRoyalty(
                f"ERC2981InvalidTokenRoyaltyReceiver: zero receiver, token {token_id}"
            )
        self.token_royalties[token_id] = (receiver, bps)

    def reset_token_royalty(self, token_id: int) -> None:
        """ERC2981 ``_resetTokenRoyalty``: the id falls back to the default."""
        _check_id(token_id)
        self.token_royalties.pop(token_id, None)

    def register_contract(self, address: str, receiver: Any) -> None:
        """Mark ``address`` as a contract account whose hook safe calls consult."""
        _check_account("address", address)
        if address == ZERO_ADDRESS:
            raise InvalidAccount("a contract account", address)
        self.contracts[address] = receiver

    # ----- internals -------------------------------------------------------------
    def _require_owned(self, token_id: int) -> str:
        _check_id(token_id)
        owner = self.owners.get(token_id)
        if owner is None:
            raise NonexistentToken(token_id)
        return owner

    def _update(self, to: str, token_id: int, owner: str) -> None:
        """OpenZeppelin ``_update`` (with ``ERC721Enumerable``'s): the one place
        ownership changes (all checks done before)."""
        if owner != ZERO_ADDRESS:
            self.token_approvals.pop(token_id, None)
            self.balances[owner] -= 1
            if self.balances[owner] == 0:
                del self.balances[owner]
        if to != ZERO_ADDRESS:
            self.balances[to] = self.balances.get(to, 0) + 1
            self.owners[token_id] = to
        else:
            del self.owners[token_id]
            self.burned.add(token_id)
        if owner == ZERO_ADDRESS:
            self.all_tokens.append(token_id)  # _addTokenToAllTokensEnumeration
        elif owner != to:
            _swap_and_pop(self.owned_tokens[owner], token_id)
            if not self.owned_tokens[owner]:
                del self.owned_tokens[owner]
        if to == ZERO_ADDRESS:
            _swap_and_pop(self.all_tokens, token_id)
        elif owner != to:
            self.owned_tokens.setdefault(to, []).append(token_id)
        self._emit("Transfer", **{"from": owner, "to": to, "token_id": token_id})

    def _emit(self, name: str, **args: Any) -> None:
        self.events.append(Event(name, args))

    def _update_and_ask(
        self, caller: str, to: str, owner: str, token_id: int, data: bytes
    ) -> None:
        """``_update``, then the receiver's hook (``from`` is the previous owner);
        everything is undone if the hook refuses. Key accounts run no foreign code."""
        if to not in self.contracts:
            self._update(to, token_id, owner)
            return
        with self._undo_on_error():
            self._update(to, token_id, owner)
            self._check_on_received(caller, to, owner, token_id, data)

    def _check_on_received(
        self, operator: str, to: str, from_: str, token_id: int, data: bytes
    ) -> None:
        """OpenZeppelin ``ERC721Utils.checkOnERC721Received`` for contract accounts.

        The hook must return exactly the 4 bytes ``0x150b7a02``. Anything else is
        ``InvalidReceiver``: another value, nothing at all (``None``; on the EVM an
        empty answer fails to decode as ``bytes4``), no hook, or an error without a
        reason. An error with a reason propagates unchanged.
        """
        receiver = self.contracts.get(to)
        if receiver is None:  # a plain account is never called
            return
        hook = getattr(receiver, "on_erc721_received", None)
        if not callable(hook):
            raise InvalidReceiver(to, "contract account has no on_erc721_received hook")
        try:
            answer = hook(operator, from_, token_id, bytes(data))
        except Exception as e:
            if _has_reason(e):  # a receiver error with a reason propagates unchanged
                raise
            raise InvalidReceiver(to, "hook failed without a reason") from e
        if answer is None:
            raise InvalidReceiver(to, "hook returned nothing, not 0x150b7a02")
        if not (
            isinstance(answer, bytes | bytearray) and bytes(answer) == ERC721_RECEIVED
        ):
            raise InvalidReceiver(to, f"hook returned {answer!r:.40}, not 0x150b7a02")

    def _undo_on_error(self) -> _Undo:
        """Snapshot everything (O(size of the registry)); only around foreign code."""
        return _Undo(self)


class _Undo:
    """Restore *everything* in a registry if the block raises.

    A receiver hook is foreign code: besides refusing, it may have called back into
    the registry (set a token URI or royalty, approved, transferred ...). On the EVM
    its revert undoes all of that with the call; here every field is snapshotted
    (deep copies) and restored in place, so references to ``events`` & co. stay valid.
    """

    def __init__(self, reg: NFTRegistry) -> None:
        self.reg = reg

    def __enter__(self) -> None:
        r = self.reg
        self.saved = {
            f.name: copy.deepcopy(getattr(r, f.name))
            for f in fields(r)
            if f.name != "contracts"
        }
        self.contracts = dict(r.contracts)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is not None:
            r = self.reg
            for name, value in self.saved.items():
                current = getattr(r, name)
                if isinstance(current, dict | list | set) and type(current) is type(
                    value
                ):
                    current.clear()
                    if isinstance(current, list):
                        current.extend(value)
                    else:
                        current.update(value)
                else:
                    setattr(r, name, value)
            r.contracts.clear()
            r.contracts.update(self.contracts)
        return False


def _swap_and_pop(ids: list[int], token_id: int) -> None:
    """ERC721Enumerable's removal: the last id moves into ``token_id``'s slot."""
    i = ids.index(token_id)
    last = ids.pop()
    if i < len(ids):
        ids[i] = last


def _has_reason(e: BaseException) -> bool:
    try:
        return bool(str(e))
    except Exception:  # an exception whose __str__ fails has no readable reason
        return False


def _check_account(what: str, account: object) -> None:
    if not isinstance(account, str) or not account:
        raise InvalidAccount(what, account)


def _check_index(index: object) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise InvalidArgument(f"an index is an int >= 0, got {index!r:.40}")


def _check_data(data: object) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise InvalidArgument(f"data must be bytes, got {type(data).__name__}")


def _check_id(token_id: object) -> None:
    if isinstance(token_id, bool) or not isinstance(token_id, int):
        raise InvalidTokenId(token_id)
    if not 0 <= token_id < _UINT256:
        raise InvalidTokenId(token_id)


def _check_bps(bps: object, what: str) -> None:
    if isinstance(bps, bool) or not isinstance(bps, int):
        raise InvalidRoyalty(f"{what}: bps must be an int")
    if not 0 <= bps <= FEE_DENOMINATOR:
        raise InvalidRoyalty(f"{what}: {bps} bps is outside 0..{FEE_DENOMINATOR}")
