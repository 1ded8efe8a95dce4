"""Issue 14 for the NFT package: typed doors, OpenZeppelin 5 agreement, exact payloads.

Every refused call is checked to leave the registry (state and log) exactly as it was.
The enumeration test compares with a model written like OpenZeppelin's Solidity
(``ERC721Enumerable.sol`` v5: index mappings, swap-and-pop), not like the registry.
"""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from refimpl.chain.errors import InvalidTransaction
from refimpl.chain.ledger import Ledger
from refimpl.chain.state import BlockContext, State
from refimpl.chain.transaction import Transaction, encode_payload
from refimpl.crypto import PrivateKey
from refimpl.nft import (
    ERC721_RECEIVED,
    ZERO_ADDRESS,
    InvalidAccount,
    InvalidArgument,
    InvalidOwner,
    InvalidReceiver,
    InvalidRoyalty,
    MetadataError,
    NFTError,
    NFTRegistry,
    NonexistentToken,
    OutOfBoundsIndex,
    build_metadata,
    cid_v1,
    metadata_bytes,
    parse_metadata,
    royalty_amount,
)
from refimpl.nft.onchain import (
    PAYLOAD_SCHEMA,
    Listing,
    NFTExtension,
    check_nft_payload,
    nft_tx,
)

OWNER, NEW_OWNER, OPERATOR, OTHER = "1Owner", "1NewOwner", "1Operator", "1Other"
FIRST, SECOND = 5042, 79217
NOT_ACCOUNTS = [None, ["1Owner"], 7, b"1Owner", "", 1.5, True, ("1Owner",)]


@pytest.fixture
def reg() -> NFTRegistry:
    r = NFTRegistry("Non Fungible Token", "NFT")
    r.mint(OWNER, FIRST)
    r.mint(OWNER, SECOND)
    r.set_token_uri(FIRST, "ipfs://first")
    r.set_token_royalty(FIRST, OWNER, 250)
    r.events.clear()
    return r


def fails(reg: NFTRegistry, exc: type, fn, *args, **kwargs) -> BaseException:
    before = copy.deepcopy(reg)
    contracts = dict(reg.contracts)
    with pytest.raises(exc) as info:
        fn(*args, **kwargs)
    assert reg == before, "a refused call changed the registry"
    assert reg.events == before.events and reg.contracts == contracts
    assert str(info.value)
    return info.value


# ----- 1. accounts and arguments are typed before anything changes -----------------
@pytest.mark.parametrize("bad", NOT_ACCOUNTS)
def test_transfer_to_a_non_address_changes_nothing(reg, bad):
    err = fails(reg, InvalidAccount, reg.transfer_from, OWNER, OWNER, bad, FIRST)
    assert isinstance(err, NFTError) and "address" in str(err)
    assert reg.balance_of(OWNER) == 2  # was zeroed before the fix


@pytest.mark.parametrize("bad", NOT_ACCOUNTS)
def test_every_account_argument_is_checked(reg, bad):
    calls = [
        (reg.transfer_from, (bad, OWNER, OTHER, FIRST)),
        (reg.transfer_from, (OWNER, bad, OTHER, FIRST)),
        (reg.safe_transfer_from, (OWNER, OWNER, bad, FIRST)),
        (reg.unrestricted_transfer, (OWNER, bad, FIRST)),
        (reg.mint, (bad, 1)),
        (reg.approve, (bad, OTHER, FIRST)),
        (reg.approve, (OWNER, bad, FIRST)),
        (reg.set_approval_for_all, (bad, OPERATOR, True)),
        (reg.set_approval_for_all, (OWNER, bad, True)),
        (reg.balance_of, (bad,)),
        (reg.is_approved_for_all, (bad, OPERATOR)),
        (reg.is_approved_for_all, (OWNER, bad)),
        (reg.token_of_owner_by_index, (bad, 0)),
        (reg.set_default_royalty, (bad, 100)),
        (reg.set_token_royalty, (FIRST, bad, 100)),
        (reg.register_contract, (bad, object())),
    ]
    for fn, args in calls:
        fails(reg, InvalidAccount, fn, *args)
    if bad is not None:  # burn(None, id) is the documented unrestricted _burn
        fails(reg, InvalidAccount, reg.burn, bad, FIRST)
    fails(reg, InvalidAccount, lambda: reg.safe_mint(OTHER, 1, caller=bad))
    fails(reg, InvalidAccount, lambda: reg.safe_mint(bad, 1, caller=OWNER))


def test_other_arguments_are_typed(reg):
    fails(reg, InvalidArgument, reg.set_approval_for_all, OWNER, OPERATOR, 1)
    fails(reg, InvalidArgument, reg.set_approval_for_all, OWNER, OPERATOR, "yes")
    fails(reg, InvalidArgument, reg.set_token_uri, FIRST, 5)
    fails(reg, InvalidArgument, reg.royalty_info, FIRST, 1000.0)
    fails(reg, InvalidArgument, reg.royalty_info, FIRST, -1)
    fails(reg, InvalidArgument, reg.token_by_index, True)
    fails(reg, InvalidArgument, reg.token_by_index, -1)
    fails(reg, InvalidArgument, reg.safe_transfer_from, OWNER, OWNER, OTHER, FIRST, "x")
    fails(reg, InvalidArgument, reg.log_event, "")
    fails(reg, InvalidRoyalty, reg.set_token_royalty, FIRST, OWNER, 100.0)
    fails(reg, InvalidAccount, reg.register_contract, ZERO_ADDRESS, object())
    for args in ((1000, 1.0), (1000.0, 1), (True, 1), (1, 10_001), (-5, 1)):
        with pytest.raises(NFTError):
            royalty_amount(*args)
    # the built-in families still catch them, for code written before the change
    with pytest.raises(TypeError):
        royalty_amount(1000, 1.0)
    with pytest.raises(ValueError):
        royalty_amount(1000, 10_001)


# ----- 2. OpenZeppelin 5: views, the safe-mint operator, receiver answers ----------
def test_views_raise_openzeppelins_errors(reg):
    err = fails(reg, InvalidOwner, reg.balance_of, ZERO_ADDRESS)
    assert err.owner == ZERO_ADDRESS  # ERC721InvalidOwner(address(0))
    err = fails(reg, NonexistentToken, reg.owner_of, 13)
    assert err.token_id == 13  # ERC721NonexistentToken(13)
    for view in (reg.get_approved, reg.token_uri):
        fails(reg, NonexistentToken, view, 13)
    # tokenOfOwnerByIndex calls balanceOf(owner) first: InvalidOwner for zero
    fails(reg, InvalidOwner, reg.token_of_owner_by_index, ZERO_ADDRESS, 0)
    assert not reg.is_approved_for_all(ZERO_ADDRESS, OPERATOR)
    assert reg.balance_of(OTHER) == 0
    err = fails(reg, OutOfBoundsIndex, reg.token_by_index, 2)
    assert err.owner == ZERO_ADDRESS  # a global out-of-bounds names address(0)


class Receiver:
    def __init__(self, answer=ERC721_RECEIVED, action=None):
        self.answer, self.action, self.calls = answer, action, []

    def on_erc721_received(self, operator, from_, token_id, data):
        self.calls.append((operator, from_, token_id, data))
        if self.action is not None:
            self.action()
        return self.answer


def test_safe_mint_passes_the_caller_as_operator(reg):
    rcv = Receiver()
    reg.register_contract("1Vault", rcv)
    reg.safe_mint("1Vault", 7, b"\x42", caller=OPERATOR)
    assert rcv.calls == [(OPERATOR, ZERO_ADDRESS, 7, b"\x42")]  # not the receiver
    reg.safe_transfer_from(OWNER, OWNER, "1Vault", FIRST)
    assert rcv.calls[-1] == (OWNER, OWNER, FIRST, b"")


class AlwaysEqual:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False


@pytest.mark.parametrize(
    "answer",
    [None, AlwaysEqual(), 0x150B7A02, "0x150b7a02", b"\x15\x0b\x7a\x02\x00", b""],
)
def test_receiver_must_return_exactly_the_selector(reg, answer):
    reg.register_contract("1Vault", Receiver(answer))
    err = fails(
        reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Vault", FIRST
    )
    assert err.receiver == "1Vault"
    fails(reg, InvalidReceiver, lambda: reg.safe_mint("1Vault", 9, caller=OWNER))


def test_receiver_returning_nothing_is_refused_with_a_reason(reg):
    reg.register_contract("1Vault", Receiver(None))
    err = fails(
        reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Vault", FIRST
    )
    assert "returned nothing" in str(err)
    reg.register_contract("1Ok", Receiver(bytearray(ERC721_RECEIVED)))
    reg.safe_transfer_from(OWNER, OWNER, "1Ok", FIRST)
    assert reg.owner_of(FIRST) == "1Ok"


def test_a_refusing_hooks_own_changes_are_undone(reg):
    """On the EVM the hook's revert undoes everything it did through the token."""

    def meddle():
        reg.set_token_uri(FIRST, "ipfs://hijacked")
        reg.set_token_uri(8, "ipfs://later")
        reg.set_token_royalty(FIRST, "1Vault", 10_000)
        reg.set_default_royalty("1Vault", 9_000)
        reg.set_approval_for_all("1Vault", OTHER, True)
        reg.transfer_from(OWNER, OWNER, OTHER, SECOND)
        reg.base_uri = "https://evil/"
        reg.register_contract("1Other", object())
        reg.events.clear()

    reg.register_contract("1Vault", Receiver(b"\xde\xad\xbe\xef", meddle))
    fails(reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Vault", FIRST)
    assert reg.token_uri(FIRST) == "ipfs://first"
    assert reg.royalty_info(FIRST, 10_000) == (OWNER, 250)
    events = reg.events  # the log list object survives the undo (restored in place)
    fails(reg, InvalidReceiver, lambda: reg.safe_mint("1Vault", 8, caller=OWNER))
    assert reg.events is events and 8 not in reg.token_uris


def test_hook_error_whose_str_fails_is_an_invalid_receiver(reg):
    class Weird(Exception):
        def __str__(self):
            raise RuntimeError("no")

    def boom():
        raise Weird

    reg.register_contract("1Vault", Receiver(ERC721_RECEIVED, boom))
    fails(reg, InvalidReceiver, reg.safe_transfer_from, OWNER, OWNER, "1Vault", FIRST)


# ----- ERC721Enumerable order: swap-and-pop, as OpenZeppelin 5 ----------------------
class OZEnumerable:
    """``ERC721Enumerable.sol`` (v5.1+) transcribed: mappings and index mappings."""

    def __init__(self):
        self.owners, self.balances = {}, {}
        self.owned, self.owned_index = {}, {}  # owner -> {index -> id}, id -> index
        self.all, self.all_index = [], {}

    def update(self, to, tid):
        prev = self.owners.get(tid, ZERO_ADDRESS)
        if prev != ZERO_ADDRESS:
            self.balances[prev] -= 1
        if to != ZERO_ADDRESS:
            self.balances[to] = self.balances.get(to, 0) + 1
            self.owners[tid] = to
        else:
            del self.owners[tid]
        if prev == ZERO_ADDRESS:
            self.all_index[tid] = len(self.all)
            self.all.append(tid)
        elif prev != to:
            last_index = self.balances[prev]  # already decremented
            index = self.owned_index[tid]
            slots = self.owned[prev]
            if index != last_index:
                last_id = slots[last_index]
                slots[index] = last_id
                self.owned_index[last_id] = index
            del self.owned_index[tid]
            del slots[last_index]
        if to == ZERO_ADDRESS:
            last_index = len(self.all) - 1
            index = self.all_index[tid]
            last_id = self.all[last_index]
            self.all[index] = last_id
            self.all_index[last_id] = index
            del self.all_index[tid]
            self.all.pop()
        elif prev != to:
            n = self.balances[to] - 1
            self.owned.setdefault(to, {})[n] = tid
            self.owned_index[tid] = n

    def by_owner(self, owner):
        return [self.owned[owner][i] for i in range(self.balances.get(owner, 0))]


def test_enumeration_worked_example():
    reg = NFTRegistry("E", "E")
    for tid in (1, 2, 3, 4):
        reg.mint(OWNER, tid)
    reg.burn(OWNER, 1)  # 4 moves into 1's slot in both lists
    assert [reg.token_by_index(i) for i in range(3)] == [4, 2, 3]
    reg.transfer_from(OWNER, OWNER, OTHER, 2)  # 3 moves into 2's slot
    assert [reg.token_of_owner_by_index(OWNER, i) for i in range(2)] == [4, 3]
    assert reg.token_of_owner_by_index(OTHER, 0) == 2
    reg.transfer_from(OTHER, OTHER, OTHER, 2)  # a self-transfer keeps every order
    assert [reg.token_by_index(i) for i in range(3)] == [4, 2, 3]


_acct = st.sampled_from([OWNER, NEW_OWNER, OTHER])


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["mint", "transfer", "burn"]), _acct, st.integers(0, 7)
        ),
        max_size=60,
    )
)
def test_enumeration_order_is_openzeppelins(ops):
    reg, oz = NFTRegistry("E", "E"), OZEnumerable()
    for kind, who, tid in ops:
        owner = reg.owners.get(tid)
        if kind == "mint" and owner is None:
            reg.mint(who, tid)
            oz.update(who, tid)
        elif kind == "transfer" and owner is not None:
            reg.transfer_from(owner, owner, who, tid)
            oz.update(who, tid)
        elif kind == "burn" and owner is not None:
            reg.burn(owner, tid)
            oz.update(ZERO_ADDRESS, tid)
        assert [reg.token_by_index(i) for i in range(reg.total_supply())] == oz.all
        for acct in (OWNER, NEW_OWNER, OTHER):
            n = reg.balance_of(acct)
            mine = [reg.token_of_owner_by_index(acct, i) for i in range(n)]
            assert mine == oz.by_owner(acct)


# ----- 3. the marketplace uses the registry's public seams only --------------------
def test_nft_modules_call_no_private_name_of_another_object():
    root = Path(__file__).resolve().parents[1] / "refimpl" / "nft"
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            ):
                offenders.append(f"{path.name}:{node.lineno} .{node.attr}")
    assert offenders == []


# ----- 4. exact payload types: a peer cannot crash a node --------------------------
CHAIN_ID = 7
KEY = PrivateKey(5150)
EXT = NFTExtension()
CTX = BlockContext(5, 1_700_000_000, KEY.public_key.address, b"\x00" * 32, CHAIN_ID)
GOOD = {
    "nft_mint": {
        "token_id": 1,
        "image_cid": cid_v1(b"i"),
        "metadata_cid": cid_v1(b"m"),
        "royalty_bps": 500,
    },
    "nft_transfer": {"token_id": 1, "from": KEY.public_key.address},
    "nft_approve": {"token_id": 1},
    "nft_set_approval_for_all": {"approved": True},
    "nft_burn": {"token_id": 1},
    "nft_list": {"token_id": 1, "price": 10},
    "nft_unlist": {"token_id": 1},
    "nft_buy": {"token_id": 1},
}
WRONG = [1, 1.0, True, None, "1", [1], {"a": 1}, []]


def _state() -> State:
    return State(
        balances={KEY.public_key.address: 1_000}, ext={"nft": EXT.init_state()}
    )


def _raw_tx(kind: str, payload: bytes) -> Transaction:
    return Transaction(
        sender=KEY.public_key.to_bytes(compressed=True),
        recipient="",
        amount=0,
        fee=0,
        nonce=0,
        chain_id=CHAIN_ID,
        kind=kind,
        payload=payload,
    ).sign(KEY)


def test_schema_covers_every_kind():
    assert set(PAYLOAD_SCHEMA) == set(GOOD) == set(NFTExtension.kinds)
    for kind, payload in GOOD.items():
        assert {k: type(v) for k, v in payload.items()} == PAYLOAD_SCHEMA[kind]
        check_nft_payload(_raw_tx(kind, encode_payload(payload)))


CASES = [
    (kind, field, bad)
    for kind, payload in GOOD.items()
    for field in payload
    for bad in WRONG
    if type(bad) is not type(payload[field])
]


@pytest.mark.parametrize("kind,field,bad", CASES)
def test_every_mistyped_field_is_an_invalid_transaction(kind, field, bad):
    payload = dict(GOOD[kind], **{field: bad})
    tx = _raw_tx(kind, encode_payload(payload))
    state = _state()
    before = state.snapshot()
    with pytest.raises(InvalidTransaction, match=f"{field}.*must be"):
        EXT.check_payload(tx)  # the chain's stateless hook (mempool)
    with pytest.raises(InvalidTransaction, match=f"{field}.*must be"):
        EXT.validate_tx(state, tx, CTX)  # block validation, without the ledger's net
    assert state.snapshot() == before


def test_unlist_with_a_list_token_id_is_refused_not_a_type_error():
    tx = nft_tx(KEY, "nft_unlist", {"token_id": [1]}, nonce=0, chain_id=CHAIN_ID)
    with pytest.raises(InvalidTransaction, match="token_id"):
        EXT.validate_tx(_state(), tx, CTX)


@pytest.mark.parametrize(
    "payload",
    [
        b"[]",
        b'{"token_id": 1}',  # not canonical
        b'{"token_id":1,"x":2}',
        b"{}",
        b"\xff",
        b'{"token_id":NaN}',
        b"[" * 200 + b"]" * 200,
        b'{"token_id":' + b"[" * 100 + b"]" * 100 + b"}",
    ],
)
def test_malformed_payload_bytes_are_invalid_transactions(payload):
    tx = _raw_tx("nft_unlist", payload)
    with pytest.raises(InvalidTransaction):
        EXT.validate_tx(_state(), tx, CTX)


# ----- 5. metadata parsing: bounded, JSON only ---------------------------------------
def _md() -> dict:
    return build_metadata(
        name="A",
        description="d",
        image_cid=cid_v1(b"x"),
        model="cppn",
        seed=1,
        style="classic",
    )


@pytest.mark.parametrize(
    "text",
    [
        '{"name": NaN}',
        '{"seed": Infinity}',
        "[" * 100 + "]" * 100,
        '{"a":' * 100 + "1" + "}" * 100,
        " " * (1 << 20) + "{}",
    ],
)
def test_parse_metadata_refuses_deep_huge_and_non_json(text):
    with pytest.raises(MetadataError):
        parse_metadata(text)


def test_metadata_bytes_refuses_what_json_cannot_hold():
    md = _md()
    for extra in ({"tags": {1, 2}}, {"score": float("nan")}, {"x": object()}):
        with pytest.raises(MetadataError):
            metadata_bytes({**md, **extra})
    loop: dict = {}
    loop["self"] = loop
    with pytest.raises(MetadataError):
        metadata_bytes({**md, "loop": loop})
    assert parse_metadata(metadata_bytes(md)) == md
    assert json.loads(metadata_bytes(md)) == md


# ----- 6. fuzz: whatever a peer signs, validation answers InvalidTransaction or None --
_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**300), 2**300)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_value = st.one_of(st.sampled_from([0, 1, 2, 10, KEY.public_key.address]), _json)


def _busy_state() -> State:
    """Token 1 minted by KEY and listed at 10; token 2 minted and burned."""
    state = _state()
    led = state.ext["nft"]
    reg = led.registry
    me = KEY.public_key.address
    for tid in (1, 2):
        reg.mint(me, tid)
        led.content[cid_v1(bytes([tid]))] = tid
    reg.burn(me, 2)
    led.listings[1] = Listing(me, 10)
    return state


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(GOOD)),
    st.dictionaries(
        st.sampled_from(
            [
                "token_id",
                "from",
                "approved",
                "price",
                "image_cid",
                "metadata_cid",
                "royalty_bps",
                "x",
            ]
        ),
        _value,
        max_size=5,
    ),
    st.sampled_from(["", KEY.public_key.address, PrivateKey(9).public_key.address]),
    st.sampled_from([0, 1, 10]),
)
def test_fuzzed_payloads_never_raise_anything_but_invalid_transaction(
    kind, fields, recipient, amount
):
    payload = dict(GOOD[kind])
    payload.update({k: v for k, v in fields.items() if k in payload or k == "x"})
    try:
        tx = nft_tx(
            KEY,
            kind,
            payload,
            nonce=0,
            chain_id=CHAIN_ID,
            recipient=recipient,
            amount=amount,
        )
    except (InvalidTransaction, ValueError):
        return  # the transaction itself cannot be built (the chain's own checks)
    state = _busy_state()
    before = state.snapshot()
    try:
        EXT.check_payload(tx)
        EXT.validate_tx(state, tx, CTX)
    except InvalidTransaction as e:
        assert str(e)
        assert state.snapshot() == before
        return
    assert state.snapshot() == before
    # validation passed: the ledger applies it without error (nonce, fee, effects)
    Ledger({k: EXT for k in NFTExtension.kinds}).apply(state, tx, CTX)
    assert state.nonce(KEY.public_key.address) == 1


def test_a_network_refuses_a_malformed_nft_payload_and_keeps_running():
    from refimpl.chain import ChainParams
    from refimpl.chain.network import Network

    me = KEY.public_key.address
    net = Network(
        ChainParams(chain_id=CHAIN_ID),
        seed=3,
        genesis_alloc={me: 1_000},
        extensions=[NFTExtension()],
    )
    for name, key in (("a", 8101), ("b", 8102)):
        net.add_peer(name, address=PrivateKey(key).public_key.address, hash_share=0.5)
    net.connect_all()
    bad = nft_tx(KEY, "nft_unlist", {"token_id": [1]}, nonce=0, chain_id=CHAIN_ID)
    assert net.submit_tx("a", bad) is False
    good = nft_tx(KEY, "nft_mint", GOOD["nft_mint"], nonce=0, chain_id=CHAIN_ID)
    assert net.submit_tx("a", good) is True
    net.run(until=net.now + 20 * net.block_interval)
    net.settle()
    assert net.in_consensus()
    reg = net.peers["b"].chain.state.ext["nft"].registry
    assert reg.owner_of(1) == me


def test_other_doors_give_nft_errors_that_keep_their_builtin_family():
    from refimpl.nft import InvalidCID, cid_from_sha256, sha256_from_cid
    from refimpl.nft.collection import CollectionItem
    from refimpl.nft.pipeline import verify_token

    with pytest.raises(InvalidArgument):
        cid_v1("text")
    for bad in ("bafk", 5, None, "B" + "a" * 58):
        with pytest.raises(InvalidCID) as info:
            sha256_from_cid(bad)
        assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidCID):
        cid_from_sha256(b"short")
    with pytest.raises(MetadataError, match="attributes must be a list"):
        build_metadata(
            name="a", description="b", image_cid=cid_v1(b"x"), model="m", seed=1,
            style="s", attributes=5,
        )  # fmt: skip
    with pytest.raises(InvalidArgument):
        nft_tx(KEY, "nft_steal", {}, nonce=0, chain_id=1)
    with pytest.raises(InvalidArgument):
        nft_tx(None, "nft_burn", {"token_id": 1}, nonce=0, chain_id=1)
    item = CollectionItem(1, b"x", b"{}")
    for state, it in ((None, item), (_state(), None), (State(), item)):
        with pytest.raises(InvalidArgument):
            verify_token(state, 1, it)
