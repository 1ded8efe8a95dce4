"""The actors of a scenario: honest users, the market, and the five attackers.

Each function plans what one group does (``Sim.at(height, action)``); the actions
build their signed transactions when their block is mined. The attackers also
write the labels and the log. Introduced in lesson 14.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from refimpl.chain import Transaction
from refimpl.crypto import PrivateKey
from refimpl.market.weights import weights_to_u16
from refimpl.nft import cid_v1

from .simulation import TEMPO, Action, Sim, subnet_tx

__all__ = [
    "Market",
    "payments",
    "payroll",
    "tips",
    "dusting",
    "art_market",
    "wash_ring",
    "sybil",
    "double_spend",
]


def payments(sim: Sim, users: list[PrivateKey], shop: PrivateKey) -> None:
    everyone = [*users, shop]
    for _ in range(sim.rng.randint(24, 34)):
        payer = sim.rng.choice(users)
        payee = sim.rng.choice([u for u in everyone if u is not payer])
        amount = int(math.exp(sim.rng.uniform(math.log(150), math.log(6000))))
        h = sim.rng.randint(3, sim.last)
        sim.at(
            h,
            lambda p=payer, q=payee, a=amount: [sim.tx(p, "transfer", sim.addr(q), a)],
        )


def payroll(sim: Sim, employer: PrivateKey, users: list[PrivateKey]) -> None:
    staff = sim.rng.sample(users, sim.rng.randint(7, 12))
    h = sim.rng.randint(4, sim.last - 1)

    def pay() -> list[Transaction]:
        return [
            sim.tx(employer, "transfer", sim.addr(u), sim.rng.randint(1000, 5000))
            for u in staff
        ]

    sim.at(h, pay)


def tips(sim: Sim, tipper: PrivateKey, users: list[PrivateKey]) -> None:
    """An honest fan tipping artists and friends small amounts: not dust."""
    for u in sim.rng.sample(users, sim.rng.randint(6, 12)):
        h = sim.rng.randint(3, sim.last)
        a = sim.rng.randint(25, 120)
        sim.at(h, lambda u=u, a=a: [sim.tx(tipper, "transfer", sim.addr(u), a)])


def dusting(sim: Sim, duster: PrivateKey, targets: list[str]) -> None:
    victims = sim.rng.sample(targets, sim.rng.randint(12, 22))
    h = sim.rng.randint(4, sim.last - 2)
    split = sim.rng.randint(len(victims) // 2, len(victims))
    for part, height in ((victims[:split], h), (victims[split:], h + 1)):
        if part:
            sim.at(
                height,
                lambda part=part: [
                    sim.tx(duster, "transfer", v, sim.rng.randint(1, 15), fee=1)
                    for v in part
                ],
            )
    sim.labels["account"][sim.addr(duster)] = "dusting"
    sim.log.append(f"dusting: {len(victims)} tiny payments at heights {h}-{h + 1}")


def _nft_mint(sim: Sim, owner: PrivateKey, tid: int, bps: int) -> Action:
    image = cid_v1(f"scenario {sim.seed} artwork {tid}".encode())
    meta = cid_v1(f"scenario {sim.seed} metadata {tid}".encode())
    payload = {
        "token_id": tid,
        "image_cid": image,
        "metadata_cid": meta,
        "royalty_bps": bps,
    }
    return lambda: [sim.tx(owner, "nft_mint", "", 0, payload)]


def _nft_sale(
    sim: Sim,
    seller: PrivateKey,
    buyer: PrivateKey,
    tid: int,
    price: int,
    h: int,
    gap: int,
) -> int:
    """List at height ``h``, buy at ``h + gap``; return the buy's height."""
    sim.at(
        h,
        lambda: [sim.tx(seller, "nft_list", "", 0, {"token_id": tid, "price": price})],
    )
    sim.at(h + gap, lambda: [sim.tx(buyer, "nft_buy", "", price, {"token_id": tid})])
    return h + gap


def art_market(
    sim: Sim,
    artists: list[PrivateKey],
    collectors: list[PrivateKey],
    flippers: list[PrivateKey],
) -> None:
    rng = sim.rng
    for _ in range(rng.randint(7, 10)):
        artist = rng.choice(artists)
        tid = sim.new_token()
        h = rng.randint(3, 14)
        sim.at(h, _nft_mint(sim, artist, tid, rng.choice([250, 500, 750, 1000])))
        if rng.random() < 0.15:
            continue  # never sold
        owner, price = artist, rng.randint(500, 4000)
        t = h + 1
        buyer = rng.choice(collectors + flippers)
        t = _nft_sale(sim, owner, buyer, tid, price, t, rng.randint(1, 6))
        owner = buyer
        for _ in range(3):
            flip = owner in flippers
            if not flip and rng.random() > 0.45:
                break
            gap_list = rng.randint(1, 3) if flip else rng.randint(2, 8)
            gap_buy = rng.randint(1, 3) if flip else rng.randint(1, 6)
            if t + gap_list + gap_buy > sim.last:
                break
            factor = rng.uniform(1.15, 1.6) if flip else rng.uniform(0.6, 1.7)
            price = max(100, int(price * factor))
            buyer = rng.choice([c for c in collectors if c is not owner])
            t = _nft_sale(sim, owner, buyer, tid, price, t + gap_list, gap_buy)
            owner = buyer


def wash_ring(sim: Sim, ring: list[PrivateKey]) -> None:
    rng = sim.rng
    for _ in range(rng.choice([1, 1, 2])):
        tid = sim.new_token()
        sales = rng.randint(3, 6)
        span = 2 * sales + 2
        h = rng.randint(3, sim.last - span)
        royalty = rng.choice([0, 250, 500])
        price, t, sales_plan = rng.randint(800, 3000), h + 1, []
        for _ in range(sales):  # draw the whole ring first: (list height, gap, price)
            gap = rng.randint(1, 2)
            sales_plan.append((t, gap, price))
            t += gap
            price = int(price * rng.uniform(1.1, 1.5))
            t += 1 if rng.random() < 0.7 else 0
        # a sale takes up to 3 blocks, so a long ring may not fit after h: start it
        # earlier by what it overruns (the draws, and every ring that fits, unchanged)
        last_buy = sales_plan[-1][0] + sales_plan[-1][1]
        shift = max(0, last_buy - sim.last)
        h -= shift
        sim.at(h, _nft_mint(sim, ring[0], tid, royalty))
        heights = []
        for i, (t, gap, price) in enumerate(sales_plan):
            seller, buyer = ring[i % len(ring)], ring[(i + 1) % len(ring)]
            heights.append(_nft_sale(sim, seller, buyer, tid, price, t - shift, gap))
        sim.labels["token"][f"#{tid}"] = "wash_trade"
        sim.log.append(
            f"wash trading: token #{tid} sold {sales} times around a ring of "
            f"{len(ring)}, heights {heights[0]}-{heights[-1]}"
        )
    for k in ring:
        sim.labels["account"][sim.addr(k)] = "wash_trade"


def sybil(sim: Sim, coldkeys: list[PrivateKey]) -> None:
    rng = sim.rng
    h = rng.choice([h for h in range(4, sim.last - 1) if h % TEMPO not in (0, 1)])
    if rng.random() < 0.5:
        colds = coldkeys[:1]
        counts = [rng.randint(5, 8)]
    else:
        colds = coldkeys[: rng.randint(2, 3)]
        counts = [rng.randint(2, 3) for _ in colds]
    for cold, count in zip(colds, counts, strict=True):
        hots = [sim.key("sybil_hotkey") for _ in range(count)]
        sim.at(
            h,
            lambda c=cold, hs=hots: [
                subnet_tx(sim, c, "register", {"hotkey": sim.addr(k)}) for k in hs
            ],
        )
        sim.labels["account"][sim.addr(cold)] = "sybil"
    sim.log.append(
        f"sybil burst: {sum(counts)} hotkeys from {len(colds)} coldkey(s) at height {h}"
    )


def double_spend(sim: Sim, attacker: PrivateKey, merchant: PrivateKey) -> None:
    rng = sim.rng
    h = rng.choice([h for h in range(6, sim.last - 2) if h % TEMPO in (2, 3)])
    sim.forks[h] = (attacker, merchant, rng.randint(8000, 20000))
    sim.labels["account"][sim.addr(attacker)] = "double_spend"


class Market:
    """Miners with drifting quality; honest validators that measure it; a copier."""

    def __init__(self, sim: Sim) -> None:
        self.sim = sim
        rng = sim.rng
        self.miner_cold = [sim.key(f"miner_cold{i}") for i in range(8)]
        self.miner_hot = [sim.key(f"miner{i}") for i in range(9)]
        self.miner_cold.append(self.miner_cold[0])  # operator 0 runs two miners
        self.val_cold = [sim.key(f"validator_cold{i}") for i in range(6)]
        self.val_hot = [sim.key(f"validator{i}") for i in range(6)]
        self.copier = rng.randrange(6)
        self.quality = {i: rng.uniform(0.1, 1.0) for i in range(9)}
        self.late = (sim.key("miner_cold_late"), sim.key("miner_late"))

    def plan(self, stakers: list[PrivateKey]) -> None:
        sim, rng = self.sim, self.sim.rng
        regs: dict[int, list[tuple[PrivateKey, PrivateKey]]] = defaultdict(list)
        for c, k in zip(self.val_cold, self.val_hot, strict=True):
            regs[2].append((c, k))
        for i, (c, k) in enumerate(zip(self.miner_cold, self.miner_hot, strict=True)):
            regs[2 + (i % 3 == 2)].append((c, k))
        late_c, late_k = self.late
        regs[rng.choice([8, 9, 12, 13, 14])].append((late_c, late_k))
        self.quality[9] = rng.uniform(0.1, 1.0)
        for h, pairs in regs.items():
            sim.at(
                h,
                lambda pairs=pairs: [
                    subnet_tx(sim, c, "register", {"hotkey": sim.addr(k)})
                    for c, k in pairs
                ],
            )
        for c, k in zip(self.val_cold, self.val_hot, strict=True):
            amount = rng.randint(20_000, 60_000)
            sim.at(
                3,
                lambda c=c, k=k, a=amount: [
                    subnet_tx(sim, c, "stake", {"hotkey": sim.addr(k)}, a)
                ],
            )
        for s in stakers:
            v = rng.choice([i for i in range(6) if i != self.copier])
            h = rng.randint(3, sim.last)
            a = rng.randint(500, 5000)
            sim.at(
                h,
                lambda s=s, v=v, a=a: [
                    subnet_tx(sim, s, "stake", {"hotkey": sim.addr(self.val_hot[v])}, a)
                ],
            )
        for r in range(1, sim.epochs + 1):
            sim.at(TEMPO * r + 1, self.weights)
            if sim.copier_mode == "fresh":
                sim.at(TEMPO * r + 2, self.fresh_copy)
        copier = sim.addr(self.val_hot[self.copier])
        sim.labels["validator"][copier] = "copier"
        what = {
            "previous": "copies the last epoch's consensus",
            "fresh": "copies this round's weights, one block after the others",
        }[sim.copier_mode]
        noise = f" (noise {sim.copier_noise})" if sim.copier_noise else ""
        sim.log.append(f"copier: validator{self.copier} {what}{noise}")

    def _copier_tx(self, uids: list[int], vals: np.ndarray) -> Transaction:
        sim = self.sim
        if sim.copier_noise:  # its own random stream: the rest of the run is unchanged
            vals = vals * np.exp(
                [sim.noise_rng.gauss(0, sim.copier_noise) for _ in uids]
            )
        u16_uids, u16 = weights_to_u16(uids, vals)
        return subnet_tx(
            sim,
            self.val_hot[self.copier],
            "set_weights",
            {"uids": u16_uids, "weights": u16},
        )

    def weights(self) -> list[Transaction]:
        sim, rng = self.sim, self.sim.rng
        mg = sim.subnet.metagraph(sim.state())
        for i in self.quality:  # the miners' quality drifts every round
            self.quality[i] = min(1.5, max(0.05, self.quality[i] + rng.gauss(0, 0.3)))
        hot = [*self.miner_hot, self.late[1]]
        miners = [
            (mg.hotkeys.index(sim.addr(k)), i)
            for i, k in enumerate(hot)
            if sim.addr(k) in mg.hotkeys
        ]
        txs = []
        for v, key in enumerate(self.val_hot):
            if v == self.copier:
                if sim.copier_mode != "previous":
                    continue
                me = mg.hotkeys.index(sim.addr(key))
                seen = [
                    (u, c)
                    for u, c in enumerate(mg.consensus.tolist())
                    if c > 0 and u != me
                ]
                if seen:  # nothing to copy before the first consensus
                    txs.append(
                        self._copier_tx(
                            [u for u, _ in seen], np.array([c for _, c in seen])
                        )
                    )
                continue
            uids = [u for u, _ in miners]
            vals = np.array(
                [max(0.01, self.quality[i] + rng.gauss(0, 0.08)) for _, i in miners]
            )
            u16_uids, u16 = weights_to_u16(uids, vals)
            txs.append(
                subnet_tx(sim, key, "set_weights", {"uids": u16_uids, "weights": u16})
            )
        return txs

    def fresh_copy(self) -> list[Transaction]:
        """The stake-weighted mean of the rows the others set one block ago."""
        sim = self.sim
        mg = sim.subnet.metagraph(sim.state())
        me = mg.hotkeys.index(sim.addr(self.val_hot[self.copier]))
        height = sim.chain.entry(sim.head).height
        total: dict[int, float] = defaultdict(float)
        for v in range(mg.n):  # the rows set in the last block (a registration
            row = mg.weights[v]  # there also sets last_update, with no weights)
            if v == me or mg.last_update[v] != height or not row.any():
                continue
            stake, norm = int(mg.stake[v]), int(row.sum())
            for u in np.flatnonzero(row):
                total[int(u)] += stake * int(row[u]) / norm
        if not total:
            return []
        uids = sorted(total)
        return [self._copier_tx(uids, np.array([total[u] for u in uids]))]
