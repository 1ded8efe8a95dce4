"""The subnet extension: registration, stake, weights, epochs, emission, bad input."""

from __future__ import annotations

import pytest
from accounts import accounts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refimpl.chain.errors import InvalidTransaction
from refimpl.chain.ledger import Ledger
from refimpl.chain.state import BlockContext, State
from refimpl.chain.transaction import Transaction, encode_payload
from refimpl.market.subnet import KINDS, Subnet, SubnetParams, split_tokens, total_stake

CHAIN_ID = 7
KEYS, ADDR = accounts(8)
OWNER = ADDR[7]


class Harness:
    """Blocks without proof of work: the ledger's own tx rules + end_block."""

    def __init__(self, **params):
        params.setdefault("owner", OWNER)
        self.subnet = Subnet(SubnetParams(**params))
        self.exts = {k: self.subnet for k in KINDS}
        self.state = State(balances={a: 10_000 for a in ADDR[:6]}, supply=60_000)
        self.state.ext["subnet"] = self.subnet.init_state()
        self.height = 0

    def ctx(self) -> BlockContext:
        return BlockContext(self.height + 1, 0, ADDR[6], b"\0" * 32, CHAIN_ID)

    def nonce(self, i: int) -> int:
        return self.state.nonce(ADDR[i])

    def apply(self, tx: Transaction) -> None:
        Ledger(self.exts).apply(self.state, tx, self.ctx())

    def block(self, txs=()) -> None:
        ctx = self.ctx()
        for tx in txs:
            Ledger(self.exts).apply(self.state, tx, ctx)
        self.height += 1
        self.subnet.end_block(self.state, ctx)
        assert conserved(self.state)

    def blocks(self, k: int) -> None:
        for _ in range(k):
            self.block()

    # signed builders with the right nonce
    def register(self, cold: int, hot: int) -> Transaction:
        return self.subnet.register_tx(
            KEYS[cold], ADDR[hot], nonce=self.nonce(cold), chain_id=CHAIN_ID
        )

    def stake(self, cold: int, hot: int, amount: int) -> Transaction:
        return self.subnet.stake_tx(
            KEYS[cold], ADDR[hot], amount, nonce=self.nonce(cold), chain_id=CHAIN_ID
        )

    def unstake(self, cold: int, hot: int, amount: int) -> Transaction:
        return self.subnet.unstake_tx(
            KEYS[cold], ADDR[hot], amount, nonce=self.nonce(cold), chain_id=CHAIN_ID
        )

    def weights(self, hot: int, uids, weights) -> Transaction:
        return self.subnet.set_weights_tx(
            KEYS[hot], uids, weights, nonce=self.nonce(hot), chain_id=CHAIN_ID
        )

    def raw(self, key: int, kind: str, payload: bytes, amount: int = 0):
        tx = Transaction(
            KEYS[key].public_key.to_bytes(),
            "",
            amount,
            0,
            self.nonce(key),
            CHAIN_ID,
            kind,
            payload,
        )
        return tx.sign(KEYS[key])


def conserved(state: State) -> bool:
    return state.supply == sum(state.balances.values()) + total_stake(state)


def market(**params) -> Harness:
    """uids 0..3 = keys 0..3 (each its own coldkey); 0 and 1 stake; epoch at 10."""
    h = Harness(**params)
    h.block([h.register(i, i) for i in range(4)])
    h.block([h.stake(0, 0, 3000), h.stake(1, 1, 1000)])
    h.blocks(10 - h.height)  # first epoch hands out permits
    return h


def rejected(h: Harness, tx: Transaction, reason: str) -> None:
    before = h.state.snapshot()
    with pytest.raises(InvalidTransaction, match=reason):
        h.apply(tx)
    assert h.state.snapshot() == before


# ---------------------------------------------------------------- happy paths
def test_register_assigns_uids_and_metagraph():
    h = market()
    mg = h.subnet.metagraph(h.state)
    assert mg.n == 4 and list(mg.uids) == [0, 1, 2, 3]
    assert mg.hotkeys == ADDR[:4] and mg.coldkeys == ADDR[:4]
    assert list(mg.stake) == [3000, 1000, 0, 0]
    assert list(mg.validator_permit) == [True, True, False, False]
    for field in (
        "trust",
        "consensus",
        "incentive",
        "dividends",
        "emission",
        "last_update",
        "active",
    ):
        assert getattr(mg, field).shape == (4,)
    assert mg.weights.shape == (4, 4) and mg.bonds.shape == (4, 4)


def test_epoch_pays_41_41_18_and_conserves_supply():
    h = market(emission_per_block=1000)
    h.block([h.weights(0, [2, 3], [65535, 21845]), h.weights(1, [2, 3], [65535, 0])])
    bal0 = dict(h.state.balances)
    supply0 = h.state.supply
    h.blocks(20 - h.height)
    minted = h.state.supply - supply0
    assert minted == 10 * 1000
    gain = {a: h.state.balance(a) - bal0.get(a, 0) for a in ADDR}
    assert gain[OWNER] == 1800
    assert gain[ADDR[2]] + gain[ADDR[3]] == 4100  # miners by incentive
    assert gain[ADDR[0]] + gain[ADDR[1]] == 4100  # validators by dividends
    assert gain[ADDR[2]] > gain[ADDR[3]] > 0
    mg = h.subnet.metagraph(h.state)
    assert int(mg.emission.sum()) == 8200
    assert mg.incentive[2] > mg.incentive[3] and mg.dividends[0] > mg.dividends[1]


def test_unstake_returns_tokens():
    h = market()
    before = h.state.balance(ADDR[0])
    h.block([h.unstake(0, 0, 500)])
    assert h.state.balance(ADDR[0]) == before + 500
    assert h.subnet.metagraph(h.state).stake[0] == 2500


def test_full_subnet_deregisters_lowest_non_immune():
    h = Harness(max_uids=3, immunity_period=5, tempo=4)
    h.block([h.register(i, i) for i in range(3)])
    h.block([h.stake(0, 0, 100), h.stake(3, 1, 40)])  # coldkey 3 stakes on uid 1
    h.blocks(4 - h.height)  # epoch at 4: permits for 0 and 1
    h.block([h.weights(0, [2], [65535])])  # uid 1 is neither weighted nor weighting
    h.blocks(8 - h.height)
    mg = h.subnet.metagraph(h.state)
    assert mg.emission[1] == 0 and mg.emission[0] > 0 and mg.emission[2] > 0
    bal3 = h.state.balance(ADDR[3])
    h.block([h.register(4, 5)])  # full: uid 1 (lowest emission) is replaced
    mg2 = h.subnet.metagraph(h.state)
    assert mg2.n == 3 and mg2.hotkeys == [ADDR[0], ADDR[5], ADDR[2]]
    assert mg2.coldkeys[1] == ADDR[4] and mg2.registered_at[1] == h.height
    assert h.state.balance(ADDR[3]) == bal3 + 40  # its stake went back
    assert mg2.stake[1] == 0 and not mg2.validator_permit[1]
    assert mg2.weights[1].sum() == 0 and mg2.bonds[:, 1].sum() == 0


def test_full_subnet_all_immune_replaces_the_lowest_immune():
    """subtensor's get_neuron_to_prune: with everyone immune, prune among all."""
    h = Harness(max_uids=2, immunity_period=100)
    h.block([h.register(0, 0)])
    h.block([h.register(1, 1)])
    h.block([h.register(2, 2)])  # both immune, emission 0: the earliest (uid 0) goes
    mg = h.subnet.metagraph(h.state)
    assert mg.n == 2 and mg.hotkeys == [ADDR[2], ADDR[1]]


def test_split_tokens_accounts_for_every_unit():
    assert split_tokens(10, [1, 1, 1]) == [4, 3, 3]
    assert split_tokens(7, [0.5, 0.25, 0.25]) == [3, 2, 2]  # .5 < .75
    assert split_tokens(0, [1, 2]) == [0, 0]
    with pytest.raises(ValueError):
        split_tokens(5, [0, 0])


# ---------------------------------------------------------------- bad input
def test_weights_nan_inf_negative():
    h = market()
    for text, reason in (
        ("NaN", "NaN"),
        ("Infinity", "infinite"),
        ("-Infinity", "infinite"),
    ):
        payload = f'{{"netuid":1,"uids":[2],"weights":[{text}]}}'.encode()
        rejected(h, h.raw(0, "set_weights", payload), reason)
    neg = encode_payload({"netuid": 1, "uids": [2, 3], "weights": [5, -5]})
    rejected(h, h.raw(0, "set_weights", neg), "negative")
    frac = encode_payload({"netuid": 1, "uids": [2], "weights": [0.5]})
    rejected(h, h.raw(0, "set_weights", frac), "not a u16 integer")
    big = encode_payload({"netuid": 1, "uids": [2], "weights": [70000]})
    rejected(h, h.raw(0, "set_weights", big), "exceeds 65535")


@pytest.mark.parametrize(
    "uids, weights, reason",
    [
        ([2, 3], [1], "differ in length"),
        ([2, 2], [1, 1], "duplicate uid"),
        ([2, 9], [1, 1], "not registered"),
        ([0, 2], [1, 1], "self-weight"),
        ([2, 3], [0, 0], "all zero"),
        ([], [], "all zero"),
    ],
)
def test_weights_shape_and_uids(uids, weights, reason):
    h = market()
    rejected(h, h.weights(0, uids, weights), reason)


def test_weights_without_permit():
    h = market()
    rejected(h, h.weights(2, [3], [1]), "no validator permit")


def test_weights_before_any_epoch_have_no_permit():
    h = Harness()
    h.block([h.register(0, 0), h.register(1, 1)])
    h.block([h.stake(0, 0, 10)])
    rejected(h, h.weights(0, [1], [1]), "no validator permit")


def test_weights_rate_limit():
    h = market(weights_rate_limit=5)
    h.block([h.weights(0, [2], [1])])
    h.blocks(3)
    rejected(h, h.weights(0, [3], [1]), "rate limit")
    h.blocks(1)
    h.block([h.weights(0, [3], [1])])  # 5 blocks later: fine


def test_weights_bad_signature():
    h = market()
    tx = h.weights(0, [2], [65535])
    forged = Transaction(
        tx.sender,
        tx.recipient,
        tx.amount,
        tx.fee,
        tx.nonce,
        tx.chain_id,
        tx.kind,
        encode_payload({"netuid": 1, "uids": [3], "weights": [65535]}),
        tx.signature,
    )
    rejected(h, forged, "bad signature")


def test_weights_unregistered_sender_and_wrong_netuid():
    h = market()
    rejected(h, h.weights(5, [2], [1]), "not registered")
    payload = encode_payload({"netuid": 2, "uids": [2], "weights": [1]})
    rejected(h, h.raw(0, "set_weights", payload), "netuid")


def test_register_twice_rejected():
    h = market()
    rejected(h, h.register(4, 2), "already registered as uid 2")


def test_stake_more_than_balance():
    h = market()
    rejected(h, h.stake(2, 2, 10**6), "balance|cannot pay")


def test_stake_on_unregistered_hotkey():
    h = market()
    rejected(h, h.stake(2, 5, 10), "not registered")


def test_unstake_more_than_staked():
    h = market()
    rejected(h, h.unstake(0, 0, 3001), "exceeds the 3000")
    rejected(h, h.unstake(2, 0, 1), "exceeds the 0")


def test_epoch_without_weights_pays_validators_by_stake():
    h = market(emission_per_block=100)
    bal = [h.state.balance(a) for a in ADDR]
    h.blocks(20 - h.height)  # permits exist, nobody set weights
    gain = [h.state.balance(a) - b for a, b in zip(ADDR, bal, strict=True)]
    assert gain[7] == 180  # owner cut
    assert gain[0] == 615 and gain[1] == 205  # 820 by stake 3:1
    assert gain[2] == gain[3] == 0


def test_epoch_without_stake_pays_owner():
    h = Harness(emission_per_block=100)
    h.block([h.register(0, 0), h.register(1, 1)])
    supply = h.state.supply
    h.blocks(10 - h.height)
    assert h.state.supply - supply == 1000
    assert h.state.balance(OWNER) == 1000


# ---------------------------------------------------------------- property test
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["register", "stake", "unstake", "weights", "block"]),
            st.integers(0, 5),
            st.integers(0, 5),
            st.integers(1, 4000),
        ),
        min_size=5,
        max_size=25,
    )
)
def test_supply_conserved_over_random_sequences(ops):
    h = Harness(max_uids=3, immunity_period=3, tempo=3, emission_per_block=7)
    for op, a, b, amount in ops:
        if op == "block":
            h.block()
            continue
        if op == "register":
            tx = h.register(a, b)
        elif op == "stake":
            tx = h.stake(a, b, amount)
        elif op == "unstake":
            tx = h.unstake(a, b, amount)
        else:
            tx = h.weights(a, [b, (b + 1) % 3], [amount, 1])
        before = h.state.snapshot()
        try:
            h.apply(tx)
        except InvalidTransaction:
            assert h.state.snapshot() == before
        assert conserved(h.state)
    h.blocks(3)


def test_on_a_real_chain_bad_block_changes_nothing():
    from refimpl.chain import Chain, ChainParams, InvalidBlock

    subnet = Subnet(SubnetParams(owner=OWNER, tempo=2))
    alloc = {a: 1000 for a in ADDR[:3]}
    chain = Chain(
        ChainParams(chain_id=CHAIN_ID, genesis_bits=0x207FFFFF), [subnet], alloc
    )
    subnet.attach(chain)
    chain.mine_block([subnet.register_tx(KEYS[0], ADDR[0])], ADDR[6])
    chain.mine_block([subnet.stake_tx(KEYS[0], ADDR[0], 500)], ADDR[6])  # epoch at 2
    st = chain.state
    assert st.supply == sum(st.balances.values()) + total_stake(st)
    assert subnet.metagraph().validator_permit.tolist() == [True]
    tip, before = chain.tip.hash(), chain.state.snapshot()
    bad = subnet.set_weights_tx(KEYS[0], [0], [1])  # self-weight
    with pytest.raises((InvalidTransaction, InvalidBlock), match="self-weight"):
        chain.mine_block([bad], ADDR[6])
    assert chain.tip.hash() == tip and chain.state.snapshot() == before


# ------------------------------------------------- payload types (issue 14)
GOOD_PAYLOADS = {
    "register": {"netuid": 1, "hotkey": ADDR[5]},
    "stake": {"netuid": 1, "hotkey": ADDR[2]},
    "unstake": {"netuid": 1, "hotkey": ADDR[0], "amount": 5},
    "set_weights": {"netuid": 1, "uids": [2, 3], "weights": [65535, 1]},
}
BAD_FIELDS = [
    ("netuid", 1.0, "netuid'? must be int, got float"),
    ("netuid", True, "netuid'? must be int, got bool"),
    ("netuid", "1", "netuid'? must be int, got str"),
    ("netuid", None, "netuid'? must be int, got (null|NoneType)"),
    ("netuid", [1], "netuid'? must be int, got list"),
    ("hotkey", 5, "hotkey'? must be str, got int"),
    ("hotkey", [ADDR[2]], "hotkey'? must be str, got list"),
    ("hotkey", {"a": 1}, "hotkey'? must be str, got dict"),
    ("amount", 5.0, "amount'? must be int, got float"),
    ("amount", True, "amount'? must be int, got bool"),
    ("amount", "5", "amount'? must be int, got str"),
    ("amount", 0, "must be a positive int"),
    ("uids", "23", "uids'? must be list, got str"),
    ("uids", {"2": 1}, "uids'? must be list, got dict"),
    ("uids", [2.0, 3], "uid 2.0 is not registered"),
    ("uids", [True, 3], "uid True is not registered"),
    ("uids", [[2], 3], r"uid \[2\] is not registered"),
    ("uids", [-1, 3], "uid -1 is not registered"),
    ("weights", [True, 1], "weight True is not a u16 integer"),
    ("weights", [1.0, 1], "weight 1.0 is not a u16 integer"),
    ("weights", [None, 1], "weight None is not a u16 integer"),
    ("weights", 7, "weights'? must be list, got int"),
]


def _bad_cases():
    for kind, good in GOOD_PAYLOADS.items():
        for field, value, reason in BAD_FIELDS:
            if field in good:
                yield kind, {**good, field: value}, reason
        missing = next(iter(sorted(set(good) - {"netuid"})))
        yield kind, {k: v for k, v in good.items() if k != missing}, "has no|missing"
        yield kind, {**good, "extra": 1}, "unknown field 'extra'"


@pytest.mark.parametrize(("kind", "payload", "reason"), list(_bad_cases()))
def test_every_payload_field_is_type_checked(kind, payload, reason):
    h = market()
    key = 5 if kind == "register" else 0
    amount = 10 if kind == "stake" else 0
    rejected(h, h.raw(key, kind, encode_payload(payload), amount), reason)


@pytest.mark.parametrize("kind", sorted(GOOD_PAYLOADS))
def test_good_payloads_pass_and_non_objects_fail(kind):
    h = market()
    key = 5 if kind == "register" else 0
    amount = 10 if kind == "stake" else 0
    h.apply(h.raw(key, kind, encode_payload(GOOD_PAYLOADS[kind]), amount))
    for raw in (b"[1]", b'"x"', b"1", b"null"):
        rejected(h, h.raw(key, kind, raw), "malformed payload|JSON object")


def test_deeply_nested_payload_is_refused_not_a_crash():
    h = market()
    deep = b'{"netuid":1,"uids":' + b"[" * 5000 + b"]" * 5000 + b',"weights":[]}'
    rejected(h, h.raw(0, "set_weights", deep), "malformed|nest|limit")


def test_too_many_weights_refused_before_any_loop():
    h = market(max_uids=4)
    payload = {"netuid": 1, "uids": list(range(5)), "weights": [1] * 5}
    rejected(h, h.raw(0, "set_weights", encode_payload(payload)), "at most 4 uids")


def test_block_connection_refuses_bad_payload_types():
    from refimpl.chain import Chain, ChainParams, InvalidBlock

    subnet = Subnet(SubnetParams(owner=OWNER, tempo=2))
    chain = Chain(ChainParams(chain_id=CHAIN_ID, genesis_bits=0x207FFFFF), [subnet],
                  {a: 1000 for a in ADDR[:3]})  # fmt: skip
    subnet.attach(chain)
    for netuid in (1.0, True):
        tx = Transaction(
            KEYS[0].public_key.to_bytes(), "", 0, 0, 0, CHAIN_ID, "register",
            encode_payload({"netuid": netuid, "hotkey": ADDR[0]}),
        ).sign(KEYS[0])  # fmt: skip
        tip, before = chain.tip.hash(), chain.state.snapshot()
        with pytest.raises((InvalidTransaction, InvalidBlock), match="netuid'? must"):
            chain.mine_block([tx], ADDR[6])
        assert chain.tip.hash() == tip and chain.state.snapshot() == before


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"tempo": 0}, "tempo must be in 1"),
        ({"tempo": -3}, "tempo must be in 1"),
        ({"tempo": 2.0}, "tempo must be an int, got float"),
        ({"tempo": True}, "tempo must be an int, got bool"),
        ({"max_uids": 0}, "max_uids must be in 1"),
        ({"max_uids": "16"}, "max_uids must be an int"),
        ({"max_validators": -1}, "max_validators"),
        ({"netuid": 1.0}, "netuid must be an int"),
        ({"netuid": 70000}, "netuid must be in 0..65535"),
        ({"burn": -1}, "burn"),
        ({"emission_per_block": -5}, "emission_per_block"),
        ({"immunity_period": None}, "immunity_period must be an int"),
        ({"owner_cut_percent": 101}, "owner_cut_percent"),
        ({"kappa": 1.5}, "kappa"),
        ({"kappa": "0.5"}, "kappa must be a number"),
        ({"bonds_alpha": float("nan")}, "bonds_alpha"),
        ({"owner": 5}, "owner"),
        ({"owner": "not an address"}, "owner"),
    ],
)
def test_invalid_subnet_params_refused(params, reason):
    from refimpl.market.errors import InvalidParams, MarketError

    with pytest.raises(InvalidParams, match=reason) as err:
        SubnetParams(**params)
    assert isinstance(err.value, MarketError) and isinstance(err.value, ValueError)


def test_subnet_takes_only_subnet_params_and_a_name():
    from refimpl.market.errors import InvalidParams

    with pytest.raises(InvalidParams, match="SubnetParams"):
        Subnet({"tempo": 3})
    with pytest.raises(InvalidParams, match="name"):
        Subnet(name="")


def test_numpy_int_params_become_plain_ints():
    import numpy as np

    p = SubnetParams(tempo=np.int64(3), max_uids=np.int32(5))
    assert type(p.tempo) is int and type(p.max_uids) is int


# ------------------------------------------------------ typed state (issue 14)
def test_state_is_typed_neuron_records():
    from refimpl.market.subnet import Neuron, SubnetState

    h = market()
    ns = h.state.ext["subnet"]
    assert isinstance(ns, SubnetState) and ns.n == 4
    assert all(isinstance(nr, Neuron) for nr in ns.neurons)
    assert [nr.hotkey for nr in ns.neurons] == ADDR[:4]
    assert ns.uid_of(ADDR[2]) == 2 and ns.uid_of(ADDR[5]) is None
    assert ns.stake_of(ADDR[0]) == 3000 and ns.total_stake() == 4000
    assert ns.neurons[0].validator_permit and not ns.neurons[2].validator_permit
    assert ns.epochs == 1 and ns.last_epoch == 10
    assert len(ns.bonds) == 4 and all(len(row) == 4 for row in ns.bonds)


def test_old_namespace_keys_read_only():
    h = market()
    ns = h.state.ext["subnet"]
    assert ns["epochs"] == 1 and ns["hotkeys"] == ADDR[:4]
    assert ns["validator_permit"] == [True, True, False, False]
    assert ns["stakes"] == {ADDR[0]: {ADDR[0]: 3000}, ADDR[1]: {ADDR[1]: 1000}}
    before = h.state.snapshot()
    ns["hotkeys"].append("x")
    ns["stakes"][ADDR[0]][ADDR[0]] = 0
    ns["bonds"][0][0] = 7
    assert h.state.snapshot() == before  # copies: the state did not change
    with pytest.raises(KeyError):
        ns["no such key"]


def test_metagraph_reads_the_typed_state():
    h = market()
    h.block([h.weights(0, [2, 3], [65535, 21845])])
    mg = h.subnet.metagraph(h.state)
    ns = h.state.ext["subnet"]
    assert mg.weights[0, 2] == 65535 and mg.weights[0, 3] == 21845
    assert mg.last_update[0] == h.height and mg.uid(ADDR[3]) == 3
    assert mg.uid(ADDR[6]) is None
    assert mg.stake.tolist() == [ns.stake_of(a) for a in ADDR[:4]]
    assert h.subnet.metagraph(h.state, block=10_000).active.tolist() == [False] * 4


def test_typed_state_copies_compares_and_survives_save_and_load(tmp_path):
    from refimpl.chain import Chain, ChainParams

    subnet = Subnet(SubnetParams(owner=OWNER, tempo=2))
    params = ChainParams(chain_id=CHAIN_ID, genesis_bits=0x207FFFFF)
    alloc = {a: 1000 for a in ADDR[:3]}
    chain = Chain(params, [subnet], alloc)
    subnet.attach(chain)
    chain.mine_block([subnet.register_tx(KEYS[0], ADDR[0]),
                      subnet.register_tx(KEYS[1], ADDR[1])], ADDR[6])  # fmt: skip
    chain.mine_block([subnet.stake_tx(KEYS[0], ADDR[0], 500)], ADDR[6])
    chain.mine_block([subnet.set_weights_tx(KEYS[0], [1], [65535])], ADDR[6])
    chain.mine_block([], ADDR[6])
    copy = chain.state.copy()
    assert copy.ext["subnet"] == chain.state.ext["subnet"]
    copy.ext["subnet"].neurons[0].incentive = 0.5
    assert copy.ext["subnet"] != chain.state.ext["subnet"]  # a deep copy
    path = str(tmp_path / "subnet.sqlite")
    chain.save(path)
    loaded = Chain.load(path, params, [Subnet(SubnetParams(owner=OWNER, tempo=2))])
    assert loaded.state.ext["subnet"] == chain.state.ext["subnet"]
    assert loaded.state.ext["subnet"].epochs == 2


def test_mempool_refuses_bad_payload_types_and_keeps_running():
    """A peer's malformed subnet payload never enters a mempool nor stops a run."""
    from refimpl.chain import ChainParams
    from refimpl.chain.network import Network

    subnet = Subnet(SubnetParams(owner=OWNER, tempo=2))
    net = Network(
        ChainParams(chain_id=CHAIN_ID, genesis_bits=0x207FFFFF),
        genesis_alloc={a: 1000 for a in ADDR[:3]},
        extensions=[subnet],
    )
    net.add_peer("a", address=ADDR[6], hash_share=1.0)
    peer = net.peers["a"]

    def raw(payload: dict) -> Transaction:
        return Transaction(
            KEYS[0].public_key.to_bytes(), "", 0, 0, 0, CHAIN_ID, "register",
            encode_payload(payload),
        ).sign(KEYS[0])  # fmt: skip

    for bad in ({"netuid": 1.0, "hotkey": ADDR[0]}, {"netuid": True, "hotkey": ADDR[0]},
                {"netuid": 1, "hotkey": [ADDR[0]]}, {"netuid": 1}):  # fmt: skip
        assert net.submit_tx("a", raw(bad)) is False
    assert peer.mempool == {}
    good = raw({"netuid": 1, "hotkey": ADDR[0]})
    assert net.submit_tx("a", good) is True
    for _ in range(200):  # a bounded run: the block with the registration is mined
        if not net.step() or peer.chain.height >= 1:
            break
    assert peer.chain.height >= 1
    assert subnet.metagraph(peer.chain.state).hotkeys == [ADDR[0]]
