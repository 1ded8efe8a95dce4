"""Labelled scenarios: normal users and five attacks, played out on a real chain.

``make_scenario(seed)`` builds a fresh :class:`~refimpl.chain.Chain` with a subnet
(:class:`~refimpl.market.subnet.Subnet`) and an NFT market
(:class:`~refimpl.nft.onchain.NFTExtension`) and mines about 36 blocks of real,
signed transactions:

* **normal users**: payments, a payroll, small tips, staking on validators, NFT
  mints, primary sales and resales (some by quick flippers), honest miners and
  validators that evaluate the miners every epoch;
* **double spend**: an attacker pays a merchant through one peer while a
  conflicting payment (same nonce) back to himself goes to another peer; both
  peers mine a block at the same height, the second branch grows first, and the
  merchant's payment disappears in the reorg (the auditor's node keeps both);
* **sybil burst**: one coldkey (or two or three working together) registers a
  burst of hotkeys that never serve anyone;
* **weight copier**: a validator that never evaluates and sets, each epoch, the
  consensus it read from the chain at the previous epoch (``copier_noise`` > 0
  makes it an *adaptive* copier that blurs the copy with noise, and
  ``copier_mode="fresh"`` one that copies this round's weights instead);
* **wash trading**: a ring of 2-4 colluding accounts passes a token around at
  rising prices, fast;
* **dusting**: one account sends tiny amounts to many addresses.

Labels come from the simulation (who was told to attack), never from a model. Every
random choice comes from ``random.Random(seed)``; signatures are deterministic
(RFC 6979), so a seed always gives the same blocks. Introduced in lesson 14.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from refimpl.chain import Chain
from refimpl.market.subnet import Subnet
from refimpl.nft.onchain import NFTExtension

from .actors import (
    Market,
    art_market,
    double_spend,
    dusting,
    payments,
    payroll,
    sybil,
    tips,
    wash_ring,
)
from .errors import AuditError
from .simulation import ATTACKS, KINDS, NORMAL, TEMPO, Sim, scenario_params

__all__ = [
    "ATTACKS",
    "KINDS",
    "NORMAL",
    "TEMPO",
    "Scenario",
    "make_scenario",
    "scenario_params",
]


@dataclass
class Scenario:
    """One simulated run: the chain, its extensions and the true labels.

    ``labels[kind]`` maps an entity id (an address, or ``"#7"`` for token 7) to its
    attack type; entities not listed are normal. ``roles`` names every address the
    simulation used (``"user03"``, ``"duster"``, ...) and ``log`` says what the
    attackers did, in the simulation's words. Introduced in lesson 14.
    """

    seed: int
    chain: Chain
    subnet: Subnet
    nft: NFTExtension
    labels: dict[str, dict[str, str]]
    roles: dict[str, str]
    log: list[str] = field(default_factory=list)

    def label(self, kind: str, entity: str) -> str:
        """The true label of one entity (``"normal"`` unless it attacked)."""
        return self.labels.get(kind, {}).get(entity, NORMAL)

    def attackers(self, kind: str) -> dict[str, str]:
        """Entity id -> attack type, for one kind."""
        return dict(self.labels.get(kind, {}))


def make_scenario(
    seed: int,
    *,
    epochs: int = 6,
    copier_noise: float = 0.0,
    copier_mode: str = "previous",
) -> Scenario:
    """Simulate one labelled run on a fresh chain (see the module docstring).

    ``epochs`` weight rounds are played (blocks: ``5 * (epochs + 1)`` plus one for
    the double spend's stale branch). ``copier_noise`` > 0 turns the copier into an
    adaptive one that multiplies each copied weight by ``exp(N(0, noise))`` (drawn
    from a stream of its own, so nothing else in the run changes);
    ``copier_mode="fresh"`` makes it copy, one block later, the weights the honest
    validators have just set (the attack commit-reveal exists for; the plan of the
    run is the same, though later fees differ). Introduced in lesson 14.
    """
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise AuditError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(epochs, int) or not 3 <= epochs <= 20:
        raise AuditError(f"epochs must be an int in 3..20, got {epochs!r}")
    if not 0.0 <= float(copier_noise) <= 5.0:
        raise AuditError(f"copier_noise must be in [0, 5], got {copier_noise!r}")
    if copier_mode not in ("previous", "fresh"):
        raise AuditError(
            f"copier_mode must be 'previous' or 'fresh', not {copier_mode!r}"
        )
    sim = Sim(seed, epochs, float(copier_noise))
    sim.copier_mode = copier_mode
    rng = sim.rng
    users = [sim.key(f"user{i:02d}") for i in range(16)]
    artists = [sim.key(f"artist{i}") for i in range(3)]
    flippers = [sim.key(f"flipper{i}") for i in range(rng.randint(1, 2))]
    shop, employer, tipper = sim.key("shop"), sim.key("employer"), sim.key("tipper")
    duster, attacker = sim.key("duster"), sim.key("double_spender")
    sim.stash = sim.key("double_spender_stash")
    ring = [sim.key(f"wash{i}") for i in range(rng.randint(2, 4))]
    sybils = [sim.key(f"sybil{i}") for i in range(3)]
    market = Market(sim)
    alloc = {sim.addr(k): 1_000_000 for k in sim.keys}
    sim.build_chain(alloc)
    market.plan(stakers=rng.sample(users, 5))
    payments(sim, users, shop)
    payroll(sim, employer, users)
    tips(sim, tipper, users + artists)
    art_market(sim, artists, users[:10], flippers)
    wash_ring(sim, ring)
    sybil(sim, sybils)
    targets = [sim.addr(k) for k in users + artists + market.miner_cold[:8]]
    dusting(sim, duster, targets)
    double_spend(sim, attacker, users[rng.randrange(16)])
    sim.run()
    return Scenario(
        seed=seed,
        chain=sim.chain,
        subnet=sim.subnet,
        nft=sim.nft,
        labels=sim.labels,
        roles=dict(sim.roles),
        log=sim.log,
    )
