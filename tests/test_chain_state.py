"""Issue 14 §3 and §5 for the chain: undo data instead of a state per block (exact
states at every block, exact reorgs, memory that grows with the changes), default
timestamps that keep the difficulty, and the public seams (build on any parent, one
replay routine, the fork point) with a one-way, import-clean package."""

from __future__ import annotations

import ast
import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from refimpl.chain import (
    BlockContext,
    Chain,
    ChainParams,
    Extension,
    InvalidBlock,
    InvalidTransaction,
    State,
    Transaction,
    apply_block,
    decode_payload,
    encode_payload,
)
from refimpl.chain.network import reorg_depth
from refimpl.crypto import PrivateKey, p2pkh_address

P = ChainParams(chain_id=7, genesis_bits=0x2000FFFF)
NOW = P.genesis_timestamp + 10**6
KEYS = [PrivateKey(6000 + i) for i in range(3)]
ADDR = [k.public_key.address for k in KEYS]
MINERS = [PrivateKey(6100 + i).public_key.address for i in range(3)]
ROOT = Path(__file__).resolve().parents[1] / "refimpl"


class Notes(Extension):
    """Dict namespace: a counter, a log, a value that never changes after genesis."""

    name = "notes"
    kinds = ("note",)
    payload_fields = {"note": {"text": str}}

    def init_state(self):
        return {"count": 0, "log": [], "static": {"big": list(range(50))}}

    def apply_tx(self, state, tx, ctx):
        ns = state.ext[self.name]
        ns["count"] += 1
        ns["log"].append([ctx.height, decode_payload(tx.payload)["text"]])

    def end_block(self, state, ctx):
        if ctx.height % 3 == 0:
            state.ext[self.name]["log"].append([ctx.height, "tick"])


def pay(i: int, to: str, amount: int, nonce: int) -> Transaction:
    k = KEYS[i]
    return Transaction(k.public_key.to_bytes(), to, amount, 1, nonce, 7).sign(k)


def note(i: int, text: str, nonce: int) -> Transaction:
    k = KEYS[i]
    raw = Transaction(k.public_key.to_bytes(), "", 0, 1, nonce, 7, "note",
                      encode_payload({"text": text}))  # fmt: skip
    return raw.sign(k)


def new_chain() -> Chain:
    return Chain(P, [Notes()], {ADDR[0]: 10_000, ADDR[1]: 5_000}, clock=lambda: NOW)


def replayed_state(chain: Chain, block_hash: bytes) -> State:
    """The state after ``block_hash`` by applying every block from genesis with the
    public ``apply_block`` (full states, no deltas): the independent answer."""
    path, e = [], chain.entry(block_hash)
    while e.parent is not None:
        path.append(e)
        e = e.parent
    fresh = Chain(chain.params, chain.extensions, chain.genesis_alloc)
    state = fresh.state.copy()
    for e in reversed(path):
        ctx = BlockContext(e.height, e.block.header.timestamp, e.block.txs[0].recipient,
                           e.block.hash(), chain.params.chain_id)  # fmt: skip
        state = apply_block(state, e.block, ctx, chain.ledger, chain.extensions,
                            chain.params.subsidy_at(e.height))  # fmt: skip
    return state


def same(a: State, b: State) -> bool:
    return (dict(a.balances), dict(a.nonces), a.supply, a.ext) == (
        dict(b.balances), dict(b.nonces), b.supply, b.ext)  # fmt: skip


def forked_chain() -> Chain:
    """A main branch with payments and notes, and a rival branch that wins later."""
    c = new_chain()
    c.mine_block([pay(0, ADDR[2], 100, 0), note(1, "a", 0)], MINERS[0])
    fork = c.tip.hash()
    c.mine_block([note(0, "b", 1), pay(1, ADDR[0], 7, 1)], MINERS[0])
    c.mine_block([pay(2, ADDR[1], 50, 0)], MINERS[1])
    rival = c.mine_block([note(0, "rival", 1)], MINERS[2], parent=fork)
    assert c.tip != rival  # less work: a side branch
    h = rival.hash()
    for i in range(3):
        h = c.mine_block([pay(0, ADDR[1], 1 + i, 1 + i)] if i else [], MINERS[2],
                         parent=h).hash()  # fmt: skip
    assert c.tip.hash() == h and c.reorgs
    return c


def test_every_block_state_equals_a_full_replay() -> None:
    c = forked_chain()
    hashes = [b.hash() for b in c.all_blocks()]
    for h in hashes + hashes[::-1]:  # forwards, backwards: cache and rebuild paths
        assert same(c.entry(h).state, replayed_state(c, h)), c.height_of(h)
    assert c.entry(c.tip.hash()).state is c.state


def test_unchanged_namespace_values_are_shared_not_copied() -> None:
    c = forked_chain()
    main = c.main_chain()
    states = [c.entry(b.hash()).state for b in main]
    statics = {id(s.ext["notes"]["static"]) for s in states}
    assert len(statics) == 1  # one object for every block
    assert states[-1].ext["notes"]["log"] != states[1].ext["notes"]["log"]


def test_state_at_is_a_private_copy() -> None:
    c = forked_chain()
    h = c.main_chain()[2].hash()
    copy = c.state_at(h)
    copy.balances[ADDR[0]] = 1
    copy.ext["notes"]["static"]["big"].append(-1)
    assert same(c.entry(h).state, replayed_state(c, h))


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(st.lists(st.integers(0, 10**6), min_size=4, max_size=14))
def test_random_block_trees_reorg_exactly(choices: list[int]) -> None:
    c = new_chain()
    rng = random.Random(sum(choices))
    nonces = {0: 0, 1: 0}
    made = [c.genesis.hash()]
    for x in choices:
        parent = made[x % len(made)]
        state = c.entry(parent).state
        who = x % 2
        txs = []
        if x % 3:
            n = state.nonce(ADDR[who])
            txs = [pay(who, ADDR[2], 1 + x % 50, n) if x % 5 else note(who, str(x), n)]
        nonces[who] += 1
        made.append(c.mine_block(txs, MINERS[rng.randrange(3)], parent=parent).hash())
    best = max(made, key=lambda h: (c.work_of(h), -made.index(h)))
    assert c.tip.hash() == best  # most work, first seen on ties
    for h in rng.sample(made, min(6, len(made))) + [c.tip.hash()]:
        assert same(c.entry(h).state, replayed_state(c, h))


class Airdrop(Extension):
    name = "airdrop"

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    def end_block(self, state, ctx):
        if ctx.height == 1:
            for a in self.addresses:
                state.balances[a] = 1
            state.supply += len(self.addresses)


def test_memory_grows_with_changes_not_blocks_times_accounts() -> None:
    addrs = [p2pkh_address(b"\x02" + i.to_bytes(32, "big")) for i in range(5_000)]
    c = Chain(P, [Airdrop(addrs)], {}, clock=lambda: NOW)
    c.mine_block([], MINERS[0])
    tracemalloc.start()
    one = tracemalloc.take_snapshot()
    copy = dict(c.state.balances)
    size = sum(s.size for s in tracemalloc.take_snapshot().compare_to(one, "filename"))
    del copy
    base = tracemalloc.get_traced_memory()[0]
    for i in range(150):
        c.mine_block([], addrs[i])
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    # A state per block would be 150 copies; the tip's and a few cached ones stay.
    assert grown < 10 * size, (grown, size)
    assert len(c.state.balances) == 5_001


@pytest.mark.parametrize("interval", [2, 3, 10])
def test_default_timestamps_keep_the_difficulty(interval: int) -> None:
    params = ChainParams(chain_id=7, genesis_bits=0x2000FFFF,
                         retarget_interval=interval)  # fmt: skip
    c = Chain(params, (), {}, clock=lambda: NOW)
    for _ in range(4 * interval + 1):
        c.mine_block([], MINERS[0])
    assert {b.header.bits for b in c.main_chain()} == {params.genesis_bits}
    times = [b.header.timestamp for b in c.main_chain()]
    span = times[2 * interval - 1] - times[interval]  # what Bitcoin's retarget measures
    assert span == params.target_timespan


def test_build_and_mine_on_any_parent_and_the_fork_point() -> None:
    c = forked_chain()
    main = c.main_chain()
    old_tip = c.tip.hash()
    block = c.build_block([], MINERS[0], parent=main[1].hash())
    assert block.header.prev_hash == main[1].hash() and block.txs[0].nonce == 2
    side = c.mine_block([], MINERS[0], parent=main[1].hash())
    assert c.tip.hash() == old_tip and side.hash() in c
    assert c.fork_point(side.hash(), old_tip).block == main[1]
    assert reorg_depth(c, old_tip, side.hash()) == c.height - 1
    with pytest.raises(KeyError):
        c.fork_point(b"\x00" * 32, old_tip)


def test_from_blocks_is_the_one_replay() -> None:
    c = forked_chain()
    back = Chain.from_blocks(c.all_blocks(), P, [Notes()], clock=lambda: NOW)
    assert back.tip == c.tip and same(back.state, c.state)
    assert len(back.all_blocks()) == len(c.all_blocks())
    blocks = c.all_blocks()
    with pytest.raises(InvalidBlock, match="block 2 is invalid: unknown previous"):
        Chain.from_blocks([blocks[0], blocks[1], blocks[3]], P, [Notes()],
                          clock=lambda: NOW)  # fmt: skip
    with pytest.raises(InvalidBlock, match="genesis block does not match"):
        Chain.from_blocks(blocks, ChainParams(chain_id=7, genesis_bits=0x2000FFFE))
    with pytest.raises(InvalidBlock, match="no genesis"):
        Chain.from_blocks([], P)


def test_validate_transaction_after_pending_ones() -> None:
    c = new_chain()
    first, second = pay(1, ADDR[2], 4_000, 0), pay(1, ADDR[2], 900, 1)
    with pytest.raises(InvalidTransaction, match="skips ahead"):
        c.validate_transaction(second)
    c.validate_transaction(second, pending=[first])
    with pytest.raises(InvalidTransaction, match="insufficient balance"):
        c.validate_transaction(pay(1, ADDR[2], 1_000, 1), pending=[first])
    assert c.state.nonce(ADDR[1]) == 0


# -- the package's shape -----------------------------------------------------------


def _modules(pkg: str) -> dict[str, ast.Module]:
    return {p.name: ast.parse(p.read_text()) for p in sorted((ROOT / pkg).glob("*.py"))}


@pytest.mark.parametrize("pkg", ["chain", "crypto"])
def test_no_imports_hidden_in_functions(pkg: str) -> None:
    for name, tree in _modules(pkg).items():
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner = [n for n in ast.walk(fn)
                         if isinstance(n, (ast.Import, ast.ImportFrom))]  # fmt: skip
                assert not inner, f"{pkg}/{name}: import inside {fn.name}()"


@pytest.mark.parametrize("pkg", ["chain", "crypto"])
def test_no_module_uses_another_modules_private_names(pkg: str) -> None:
    for name, tree in _modules(pkg).items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{pkg}/{name} imports {private}"


def test_storage_does_not_import_chain_and_sha256d_is_written_once() -> None:
    mods = _modules("chain")
    imported = {n.module for n in ast.walk(mods["storage.py"])
                if isinstance(n, ast.ImportFrom)}  # fmt: skip
    assert "chain" not in imported and "network" not in imported
    for name in mods:
        text = (ROOT / "chain" / name).read_text()
        assert "sha256(hashlib.sha256" not in text, name
    crypto = (ROOT / "crypto" / "hashing.py").read_text()
    assert "def sha256d" in crypto


class Replacer(Extension):
    """Replaces the whole balance table instead of writing into it."""

    name = "replacer"

    def end_block(self, state, ctx):
        table = dict(state.balances)
        table[ADDR[2]] = table.get(ADDR[2], 0) + 1
        table.pop(ADDR[1], None) if ctx.height == 2 else None
        state.balances = table
        state.supply += 1 - (5_000 if ctx.height == 2 else 0)


def test_a_hook_that_replaces_a_table_is_still_recorded_exactly() -> None:
    c = Chain(P, [Replacer()], {ADDR[0]: 10_000, ADDR[1]: 5_000}, clock=lambda: NOW)
    for _ in range(3):
        c.mine_block([], MINERS[0])
    assert ADDR[1] not in c.state.balances and c.state.balance(ADDR[2]) == 3
    for b in c.main_chain():
        assert same(c.entry(b.hash()).state, replayed_state(c, b.hash()))
