"""ERC-721 registry rules, one test per rule of shared notes/erc721_rules.md.

Names follow the rule numbers (``test_r07_...``). Fixture as OpenZeppelin's
``ERC721.behavior.js``: two tokens (5042, 79217) minted to ``owner``; 13 never minted.
Every failure is checked to leave the registry (state and event log) unchanged.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.nft import (
    ERC721_RECEIVED,
    ZERO_ADDRESS,
    Event,
    IncorrectOwner,
    InsufficientApproval,
    InvalidApprover,
    InvalidOperator,
    InvalidOwner,
    InvalidReceiver,
    InvalidTokenId,
    NFTError,
    NFTRegistry,
    NonexistentToken,
    OutOfBoundsIndex,
    TokenAlreadyMinted,
)

OWNER, NEW_OWNER, APPROVED, OPERATOR, OTHER = (
    "1Owner",
    "1NewOwner",
    "1Approved",
    "1Operator",
    "1Other",
)
FIRST, SECOND, MISSING = 5042, 79217, 13


@pytest.fixture
def reg() -> NFTRegistry:
    r = NFTRegistry("Non Fungible Token", "NFT")
    r.mint(OWNER, FIRST)
    r.mint(OWNER, SECOND)
    r.events.clear()
    return r


def fails(reg: NFTRegistry, exc: type, fn, *args):
    """Call fn(*args), expect exc, and check nothing changed (state and events)."""
    before = copy.deepcopy(reg)
    with pytest.raises(exc) as info:
        fn(*args)
    assert reg == before, "a failed call changed the registry"
    assert reg.events == before.events
    return info.value


def transfer(reg, caller, from_, to, tid):
    reg.transfer_from(caller, from_, to, tid)


# --- test helper can fail ---
def test_fails_helper_detects_a_change(reg):
    def bad():
        reg.owners[FIRST] = OTHER
        raise NonexistentToken(FIRST)

    with pytest.raises(AssertionError):
        fails(reg, NonexistentToken, bad)


# --- 1 introspection ---
def test_r01_supports_interface(reg):
    for iid in (0x01FFC9A7, 0x80AC58CD, 0x5B5E139F, 0x2A55205A):
        assert reg.supports_interface(iid)
    assert not reg.supports_interface(0xFFFFFFFF)


# --- 2-6 balanceOf / ownerOf ---
def test_r02_balance_of_counts_tokens(reg):
    assert reg.balance_of(OWNER) == 2


def test_r03_balance_of_empty_account_is_zero(reg):
    assert reg.balance_of(OTHER) == 0


def test_r04_balance_of_zero_address_fails(reg):
    e = fails(reg, InvalidOwner, reg.balance_of, ZERO_ADDRESS)
    assert e.owner == ZERO_ADDRESS


def test_r05_owner_of_returns_owner(reg):
    assert reg.owner_of(FIRST) == OWNER


def test_r06_owner_of_missing_or_burned_fails(reg):
    e = fails(reg, NonexistentToken, reg.owner_of, MISSING)
    assert e.token_id == MISSING
    reg.burn(OWNER, FIRST)
    fails(reg, NonexistentToken, reg.owner_of, FIRST)


# --- 7-19 transferFrom ---
@pytest.fixture
def approved_reg(reg):
    reg.approve(OWNER, APPROVED, FIRST)
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    reg.events.clear()
    return reg


@pytest.mark.parametrize("caller", [OWNER, APPROVED, OPERATOR])
def test_r07_r08_r09_r10_r11_r12_authorized_transfer(approved_reg, caller):
    reg = approved_reg
    reg.transfer_from(caller, OWNER, NEW_OWNER, FIRST)
    assert reg.owner_of(FIRST) == NEW_OWNER  # r07
    assert reg.events == [  # r08: exactly one Transfer; r09: no Approval event
        Event("Transfer", {"from": OWNER, "to": NEW_OWNER, "token_id": FIRST})
    ]
    assert reg.get_approved(FIRST) == ZERO_ADDRESS  # r09
    assert reg.balance_of(OWNER) == 1 and reg.balance_of(NEW_OWNER) == 1  # r10


def test_r13_operator_can_transfer_after_approval_cleared(approved_reg):
    reg = approved_reg
    reg.approve(OWNER, ZERO_ADDRESS, FIRST)
    reg.transfer_from(OPERATOR, OWNER, NEW_OWNER, FIRST)
    assert reg.owner_of(FIRST) == NEW_OWNER


def test_r14_self_transfer(approved_reg):
    reg = approved_reg
    reg.transfer_from(OWNER, OWNER, OWNER, FIRST)
    assert reg.owner_of(FIRST) == OWNER
    assert reg.get_approved(FIRST) == ZERO_ADDRESS
    assert reg.balance_of(OWNER) == 2
    assert reg.events == [
        Event("Transfer", {"from": OWNER, "to": OWNER, "token_id": FIRST})
    ]


def test_r15_wrong_from_fails_even_for_owner(approved_reg):
    reg = approved_reg
    e = fails(reg, IncorrectOwner, transfer, reg, OWNER, OTHER, NEW_OWNER, FIRST)
    assert (e.sender, e.token_id, e.owner) == (OTHER, FIRST, OWNER)


def test_r16_unauthorized_caller_fails(approved_reg):
    reg = approved_reg
    e = fails(reg, InsufficientApproval, transfer, reg, OTHER, OWNER, OTHER, FIRST)
    assert (e.operator, e.token_id) == (OTHER, FIRST)


def test_r17_missing_token_transfer_fails_before_approval(reg):
    fails(reg, NonexistentToken, transfer, reg, OTHER, OWNER, OTHER, MISSING)


def test_r18_transfer_to_zero_fails(reg):
    e = fails(reg, InvalidReceiver, transfer, reg, OWNER, OWNER, ZERO_ADDRESS, FIRST)
    assert e.receiver == ZERO_ADDRESS


def test_r19_unrestricted_transfer_skips_authorization(reg):
    fails(reg, NonexistentToken, reg.unrestricted_transfer, OWNER, OTHER, MISSING)
    fails(reg, IncorrectOwner, reg.unrestricted_transfer, OTHER, NEW_OWNER, FIRST)
    fails(reg, InvalidReceiver, reg.unrestricted_transfer, OWNER, ZERO_ADDRESS, FIRST)
    reg.unrestricted_transfer(OWNER, NEW_OWNER, FIRST)
    assert reg.owner_of(FIRST) == NEW_OWNER


def test_transfer_error_precedence(reg):
    # zero receiver wins over a missing token and an unauthorized caller
    fails(reg, InvalidReceiver, transfer, reg, OTHER, OTHER, ZERO_ADDRESS, MISSING)
    # missing token wins over unauthorized caller and wrong from
    fails(reg, NonexistentToken, transfer, reg, OTHER, OTHER, NEW_OWNER, MISSING)
    # unauthorized caller wins over a wrong from
    fails(reg, InsufficientApproval, transfer, reg, OTHER, OTHER, NEW_OWNER, FIRST)


# --- 20-24 receiver hooks ---
class Receiver:
    def __init__(self, answer=ERC721_RECEIVED, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def on_erc721_received(self, operator, from_, token_id, data):
        self.calls.append((operator, from_, token_id, data))
        if self.error is not None:
            raise self.error
        return self.answer


class NoHook:
    pass


@pytest.mark.parametrize("data", [b"", b"\x42"])
def test_r20_safe_transfer_and_mint_call_the_hook(reg, data):
    rcv = Receiver()
    reg.register_contract("1Contract", rcv)
    reg.safe_transfer_from(OWNER, OWNER, "1Contract", FIRST, data)
    reg.safe_mint("1Contract", 4, data, caller=OPERATOR)
    assert rcv.calls == [
        (OWNER, OWNER, FIRST, data),
        (OPERATOR, ZERO_ADDRESS, 4, data),
    ]
    assert reg.owner_of(FIRST) == reg.owner_of(4) == "1Contract"


def test_r20_plain_account_is_not_called(reg):
    reg.safe_transfer_from(OWNER, OWNER, OTHER, FIRST)
    assert reg.owner_of(FIRST) == OTHER


def test_r21_wrong_hook_answer_fails(reg):
    reg.register_contract("1Contract", Receiver(answer=bytes.fromhex("deadbeef")))
    fails(
        reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Contract", FIRST
    )
    fails(reg, InvalidReceiver, lambda: reg.safe_mint("1Contract", 4, caller=OWNER))


def test_r22_hook_error_rolls_back_and_propagates(reg):
    reg.register_contract("1Loud", Receiver(error=RuntimeError("ERC721ReceiverMock")))
    fails(reg, RuntimeError, reg.safe_transfer_from, OWNER, OWNER, "1Loud", FIRST)
    fails(reg, RuntimeError, lambda: reg.safe_mint("1Loud", 4, caller=OWNER))
    reg.register_contract("1Quiet", Receiver(error=RuntimeError()))
    fails(reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Quiet", FIRST)


def test_r23_contract_without_hook_fails(reg):
    reg.register_contract("1NoHook", NoHook())
    fails(reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1NoHook", FIRST)


def test_r24_safe_transfer_of_missing_token_does_not_call_hook(reg):
    rcv = Receiver()
    reg.register_contract("1Contract", rcv)
    fails(reg, NonexistentToken, reg.safe_transfer_from, OWNER, OWNER, "1Contract", 13)
    assert rcv.calls == []


# --- 25-33 approve / getApproved ---
def test_r25_approve_sets_and_emits(reg):
    reg.approve(OWNER, APPROVED, FIRST)
    assert reg.get_approved(FIRST) == APPROVED
    assert reg.events == [
        Event("Approval", {"owner": OWNER, "approved": APPROVED, "token_id": FIRST})
    ]


def test_r26_reapprove_and_replace(reg):
    reg.approve(OWNER, APPROVED, FIRST)
    reg.approve(OWNER, APPROVED, FIRST)
    assert [e.name for e in reg.events] == ["Approval", "Approval"]
    reg.approve(OWNER, OTHER, FIRST)
    assert reg.get_approved(FIRST) == OTHER


def test_r27_approve_zero_clears_and_emits(reg):
    reg.approve(OWNER, ZERO_ADDRESS, FIRST)  # emits even with nothing to clear
    reg.approve(OWNER, APPROVED, FIRST)
    reg.approve(OWNER, ZERO_ADDRESS, FIRST)
    assert reg.get_approved(FIRST) == ZERO_ADDRESS
    assert reg.events[-1] == Event(
        "Approval", {"owner": OWNER, "approved": ZERO_ADDRESS, "token_id": FIRST}
    )
    assert len(reg.events) == 3


def test_r28_stranger_cannot_approve(reg):
    e = fails(reg, InvalidApprover, reg.approve, OTHER, OTHER, FIRST)
    assert e.approver == OTHER


def test_r29_approved_address_cannot_reapprove(reg):
    reg.approve(OWNER, APPROVED, FIRST)
    e = fails(reg, InvalidApprover, reg.approve, APPROVED, OTHER, FIRST)
    assert e.approver == APPROVED


def test_r30_operator_may_approve_event_names_owner(reg):
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    reg.approve(OPERATOR, APPROVED, FIRST)
    assert reg.get_approved(FIRST) == APPROVED
    assert reg.events[-1].args["owner"] == OWNER


def test_r31_approve_missing_token_fails_first(reg):
    fails(reg, NonexistentToken, reg.approve, OTHER, APPROVED, MISSING)


def test_r32_get_approved_missing_fails(reg):
    fails(reg, NonexistentToken, reg.get_approved, MISSING)


def test_r33_get_approved_default_zero(reg):
    assert reg.get_approved(FIRST) == ZERO_ADDRESS
    reg.approve(OWNER, APPROVED, FIRST)
    assert reg.get_approved(FIRST) == APPROVED


# --- 34-38 operators ---
def test_r34_set_approval_for_all(reg):
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    assert reg.is_approved_for_all(OWNER, OPERATOR)
    assert reg.events == [
        Event(
            "ApprovalForAll", {"owner": OWNER, "operator": OPERATOR, "approved": True}
        )
    ]


def test_r35_repeat_revoke_and_many_operators(reg):
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    reg.set_approval_for_all(OWNER, OTHER, True)
    assert reg.is_approved_for_all(OWNER, OPERATOR) and reg.is_approved_for_all(
        OWNER, OTHER
    )
    reg.set_approval_for_all(OWNER, OPERATOR, False)
    assert not reg.is_approved_for_all(OWNER, OPERATOR)
    assert [e.args["approved"] for e in reg.events] == [True, True, True, False]
    reg.set_approval_for_all(OWNER, OPERATOR, False)  # emits even when unchanged
    assert len(reg.events) == 5


def test_r36_zero_operator_fails(reg):
    fails(reg, InvalidOperator, reg.set_approval_for_all, OWNER, ZERO_ADDRESS, True)


def test_r37_zero_owner_cannot_set_operators(reg):
    fails(reg, InvalidApprover, reg.set_approval_for_all, ZERO_ADDRESS, OPERATOR, True)


def test_r38_operator_survives_transfer(reg):
    reg.set_approval_for_all(OWNER, OPERATOR, True)
    reg.transfer_from(OWNER, OWNER, NEW_OWNER, FIRST)
    assert reg.is_approved_for_all(OWNER, OPERATOR)
    reg.transfer_from(OPERATOR, OWNER, NEW_OWNER, SECOND)


# --- 39-41 mint ---
def test_r39_mint_to_zero_fails(reg):
    fails(reg, InvalidReceiver, reg.mint, ZERO_ADDRESS, 4)
    # precedence: zero receiver before "already exists"
    fails(reg, InvalidReceiver, reg.mint, ZERO_ADDRESS, FIRST)


def test_r40_mint_emits_and_owns(reg):
    reg.mint(OTHER, 4)
    assert reg.events == [
        Event("Transfer", {"from": ZERO_ADDRESS, "to": OTHER, "token_id": 4})
    ]
    assert reg.owner_of(4) == OTHER and reg.balance_of(OTHER) == 1


def test_r41_mint_existing_id_fails(reg):
    fails(reg, TokenAlreadyMinted, reg.mint, OTHER, FIRST)


# --- 42-46 burn ---
def test_r42_burn_missing_fails(reg):
    fails(reg, NonexistentToken, reg.burn, OWNER, MISSING)


def test_r43_burn_emits_and_removes(reg):
    reg.burn(OWNER, FIRST)
    assert reg.events == [
        Event("Transfer", {"from": OWNER, "to": ZERO_ADDRESS, "token_id": FIRST})
    ]
    assert reg.balance_of(OWNER) == 1
    fails(reg, NonexistentToken, reg.owner_of, FIRST)


def test_r44_second_burn_fails(reg):
    reg.burn(OWNER, FIRST)
    fails(reg, NonexistentToken, reg.burn, OWNER, FIRST)


@pytest.mark.parametrize("caller", [OWNER, APPROVED, OPERATOR])
def test_r45_burn_by_authorized(approved_reg, caller):
    reg = approved_reg
    reg.burn(caller, FIRST)
    fails(reg, NonexistentToken, reg.get_approved, FIRST)


def test_r45_burn_by_stranger_fails_and_precedence(reg):
    fails(reg, InsufficientApproval, reg.burn, OTHER, FIRST)
    fails(reg, NonexistentToken, reg.burn, OTHER, MISSING)  # missing before approval


def test_r46_remint_allowed_by_default_keeps_uri_and_royalty(reg):
    reg.set_token_uri(FIRST, "ipfs://x")
    reg.set_token_royalty(FIRST, OWNER, 500)
    reg.burn(OWNER, FIRST)
    reg.mint(OTHER, FIRST)
    assert reg.owner_of(FIRST) == OTHER
    assert reg.token_uri(FIRST) == "ipfs://x"
    assert reg.royalty_info(FIRST, 1000) == (OWNER, 50)


def test_r46_remint_refused_when_ids_are_never_reused():
    reg = NFTRegistry("Art", "ART", allow_remint=False)
    reg.mint(OWNER, 1)
    reg.burn(OWNER, 1)
    fails(reg, TokenAlreadyMinted, reg.mint, OWNER, 1)


# --- 47-49 metadata ---
def test_r47_name_and_symbol(reg):
    assert (reg.name, reg.symbol) == ("Non Fungible Token", "NFT")


def test_r48_token_uri(reg):
    fails(reg, NonexistentToken, reg.token_uri, MISSING)
    assert reg.token_uri(FIRST) == ""
    reg.base_uri = "https://api.example.com/v1/"
    assert reg.token_uri(FIRST) == "https://api.example.com/v1/5042"


def test_r49_uri_storage(reg):
    reg.set_token_uri(FIRST, "ipfs://bafk")
    assert reg.events == [Event("MetadataUpdate", {"token_id": FIRST})]
    assert reg.token_uri(FIRST) == "ipfs://bafk"
    reg.base_uri = "base/"
    assert reg.token_uri(FIRST) == "base/ipfs://bafk"
    reg.set_token_uri(4, "later")  # before mint: allowed, takes effect on mint
    reg.mint(OTHER, 4)
    assert reg.token_uri(4) == "base/later"


# --- 50 enumerable ---
def test_r50_enumerable(reg):
    assert reg.total_supply() == 2
    assert {reg.token_by_index(i) for i in range(2)} == {FIRST, SECOND}
    fails(reg, OutOfBoundsIndex, reg.token_by_index, 2)
    assert reg.token_of_owner_by_index(OWNER, 1) in {FIRST, SECOND}
    fails(reg, OutOfBoundsIndex, reg.token_of_owner_by_index, OWNER, 2)
    reg.transfer_from(OWNER, OWNER, OTHER, FIRST)
    assert reg.token_of_owner_by_index(OTHER, 0) == FIRST
    fails(reg, OutOfBoundsIndex, reg.token_of_owner_by_index, OWNER, 1)
    reg.burn(OTHER, FIRST)
    reg.burn(OWNER, SECOND)
    assert reg.total_supply() == 0


# --- extra checks from the notes ---
def test_uint256_domain(reg):
    reg.mint(OTHER, 0)
    reg.mint(OTHER, 2**256 - 1)
    assert reg.owner_of(2**256 - 1) == OTHER
    for bad in (-1, 2**256, True, "1", 1.0):
        fails(reg, InvalidTokenId, reg.mint, OTHER, bad)


def test_errors_are_nft_errors():
    for cls in (
        NonexistentToken,
        InsufficientApproval,
        IncorrectOwner,
        InvalidReceiver,
        InvalidApprover,
        InvalidOperator,
        InvalidOwner,
        TokenAlreadyMinted,
    ):
        assert issubclass(cls, NFTError)


ACCOUNTS = [OWNER, NEW_OWNER, APPROVED, OPERATOR, OTHER]
_op = st.tuples(
    st.sampled_from(["mint", "transfer", "approve", "operator", "burn"]),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(ACCOUNTS + [ZERO_ADDRESS]),
    st.integers(0, 5),
    st.booleans(),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_op, max_size=40))
def test_property_balances_add_up_and_failures_change_nothing(ops):
    reg = NFTRegistry("P", "P")
    for kind, a, b, tid, flag in ops:
        before = copy.deepcopy(reg)
        n_events = len(reg.events)
        try:
            if kind == "mint":
                reg.mint(b, tid)
            elif kind == "transfer":
                reg.transfer_from(a, reg.owners.get(tid, a) if flag else a, b, tid)
            elif kind == "approve":
                reg.approve(a, b, tid)
            elif kind == "operator":
                reg.set_approval_for_all(a, b, flag)
            else:
                reg.burn(a, tid)
        except NFTError:
            assert reg == before
            continue
        assert len(reg.events) == n_events + 1  # one event per successful call
        assert sum(reg.balances.values()) == len(reg.owners)
        assert ZERO_ADDRESS not in reg.owners.values()
        for owner, n in reg.balances.items():
            assert n == sum(1 for o in reg.owners.values() if o == owner) > 0
