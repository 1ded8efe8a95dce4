"""The in-process peer network: determinism, relay, orphans, partitions, the race."""

from __future__ import annotations

import dataclasses

import pytest

from refimpl.chain.network import Network, confirmations, double_spend_race
from refimpl.chain.params import ChainParams
from refimpl.chain.race import race_success_probability
from refimpl.chain.transaction import Transaction
from refimpl.crypto import PrivateKey

EASY = ChainParams(genesis_bits=0x2000FFFF)  # ~256 hashes per block
RACE = ChainParams(genesis_bits=0x207FFFFF, retarget_interval=10**9)
ALICE, BOB = PrivateKey(101), PrivateKey(102)
MINERS = [PrivateKey(201 + i).public_key.address for i in range(4)]


def _net(seed: int = 7, n: int = 3) -> Network:
    net = Network(EASY, seed=seed, genesis_alloc={ALICE.public_key.address: 10_000})
    for i in range(n):
        net.add_peer(f"p{i}", address=MINERS[i], hash_share=1 / n)
    net.connect_all()
    return net


def _pay(amount: int, nonce: int, key: PrivateKey = ALICE) -> Transaction:
    sender = key.public_key.to_bytes(compressed=True)
    tx = Transaction(sender, BOB.public_key.address, amount, 1, nonce, EASY.chain_id)
    return tx.sign(key)


def test_same_seed_same_history_and_another_seed_another():
    a, b, c = _net(7), _net(7), _net(8)
    for net in (a, b, c):
        net.run(20)
    assert a.log == b.log and a.tips() == b.tips()
    assert a.log != c.log
    assert a.heights()["p0"] > 3


def test_peers_agree_after_running_and_settling():
    net = _net(3)
    net.run(15)
    net.settle()
    assert net.in_consensus()
    states = {p.chain.state.snapshot().__repr__() for p in net.peers.values()}
    assert len(states) == 1


def test_a_transaction_is_relayed_mined_and_applied_everywhere():
    net = _net(5)
    assert net.submit_tx("p0", _pay(500, 0))
    assert not net.submit_tx("p0", _pay(500, 0))  # already in the mempool
    net.run(12)
    net.settle()
    assert net.in_consensus()
    for peer in net.peers.values():
        assert peer.chain.state.balance(BOB.public_key.address) == 500
        assert peer.mempool == {}
        assert confirmations(peer.chain, _pay(500, 0).txid()) >= 1


def test_bad_transactions_are_not_relayed_and_change_nothing():
    net = _net(5)
    good = _pay(10, 0)
    forged = dataclasses.replace(good, amount=9_000)  # signature no longer matches
    replayed = dataclasses.replace(good, chain_id=99)
    before = {n: dict(p.mempool) for n, p in net.peers.items()}
    assert not net.submit_tx("p0", forged)
    assert not net.submit_tx("p0", replayed)
    assert {n: dict(p.mempool) for n, p in net.peers.items()} == before
    # A double spend (same sender and nonce) loses to the first one seen.
    assert net.submit_tx("p0", good)
    assert not net.submit_tx("p0", _pay(11, 0))


def test_partition_then_heal_converges_on_the_most_work_with_a_reorg():
    net = _net(11, n=4)
    net.run(6)
    net.settle()
    net.partition({"p0"}, {"p1", "p2", "p3"})
    net.run(40)
    net.settle()
    assert not net.in_consensus()
    minority, majority = net.peers["p0"], net.peers["p1"]
    assert majority.chain.total_work > minority.chain.total_work
    lost = minority.tip_hash
    net.heal()
    net.settle()
    assert net.in_consensus()
    assert net.peers["p0"].tip_hash == majority.tip_hash
    assert lost not in [b.hash() for b in minority.chain.main_chain()]
    reorgs = [e for e in net.events("reorg") if e.peer == "p0"]
    assert reorgs and int(reorgs[-1].detail.split()[0]) >= 1
    assert net.events("orphan")  # the healed peer had to fetch missing parents


def test_messages_across_a_partition_are_dropped():
    net = _net(2)
    net.partition({"p0"})
    assert not net.can_talk("p0", "p1") and net.can_talk("p1", "p2")
    net.run(10)
    assert net.dropped > 0
    net.heal()
    assert net.can_talk("p0", "p1")


def test_orphan_block_waits_for_its_parent():
    net = _net(4, n=2)
    net.partition({"p0"}, {"p1"})
    b1 = net.mine_now("p0")
    b2 = net.mine_now("p0")
    p1 = net.peers["p1"]
    net._receive_block(p1, b2, source="p0")
    assert b2.hash() in p1.orphans and b2.hash() not in p1.chain
    net._receive_block(p1, b1, source="p0")
    assert p1.tip_hash == b2.hash() and not p1.orphans


@pytest.mark.parametrize(
    "call",
    [
        lambda n: n.add_peer("p0", address=MINERS[0]),
        lambda n: n.add_peer("x", address=MINERS[0], hash_share=1.5),
        lambda n: n.connect("p0", "nobody"),
        lambda n: n.connect("p0", "p0"),
        lambda n: n.partition({"p0"}, {"p0", "p1"}),
        lambda n: n.partition({"ghost"}),
    ],
)
def test_bad_set_up_is_refused(call):
    net = _net(1)
    with pytest.raises(ValueError):
        call(net)


def test_one_race_is_deterministic_and_a_win_reorgs_the_merchant():
    key = PrivateKey(301)
    a = double_spend_race(0.35, 1, attacker_key=key, seed=2, params=RACE)
    assert a == double_spend_race(0.35, 1, attacker_key=key, seed=2, params=RACE)
    wins = [
        double_spend_race(0.35, 1, attacker_key=key, seed=s, params=RACE)
        for s in range(12)
    ]
    won = [w for w in wins if w.success]
    assert won and all(w.reorg_depth >= 1 and w.attacker_blocks > w.honest_blocks
                       for w in won)  # fmt: skip
    assert any(not w.success for w in wins)


def test_race_on_the_network_is_near_the_exact_race():
    key = PrivateKey(301)
    trials = 160
    for z in (0, 2):
        wins = sum(
            double_spend_race(0.3, z, attacker_key=key, seed=s, params=RACE).success
            for s in range(trials)
        )
        expected = race_success_probability(0.3, z, ties_win=False)
        assert abs(wins / trials - expected) < 0.12  # generous: ~3.5 sigma


def test_a_payment_in_an_abandoned_branch_returns_to_the_mempool_and_is_mined():
    net = _net(11, n=4)
    net.run(4)
    net.settle()
    net.partition({"p0"}, {"p1", "p2", "p3"})
    tx = _pay(77, 0)
    assert net.submit_tx("p0", tx)  # only the minority side hears of it
    net.run(40)
    net.settle()
    assert confirmations(net.peers["p0"].chain, tx.txid()) >= 1
    assert confirmations(net.peers["p1"].chain, tx.txid()) == 0
    net.heal()
    net.settle()
    assert confirmations(net.peers["p0"].chain, tx.txid()) == 0  # undone by the reorg
    assert tx.txid() in net.peers["p0"].mempool
    net.run(60)
    net.settle()
    assert net.in_consensus()
    for peer in net.peers.values():
        assert confirmations(peer.chain, tx.txid()) >= 1
        assert peer.chain.state.balance(BOB.public_key.address) == 77
