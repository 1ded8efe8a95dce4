"""The subnet's state on chain: one record per neuron, bonds, stakes, counters.

``State.ext["subnet"]`` holds a :class:`SubnetState`. Each uid's slot is a
:class:`Neuron` (its keys, registration, last weights and the last epoch's
results); the bonds are an ``n x n`` u16 matrix; stakes are kept per hotkey and
coldkey. Everything is plain Python (ints, floats, lists, dicts), so the chain
can copy and compare it. Other packages read it through :meth:`SubnetState.metagraph`
(a :class:`Metagraph` of numpy arrays, as ``bittensor.Metagraph``). Introduced in
lesson 06 (neurons, stake), 07 (weights) and 09 (epochs).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import numpy as np

__all__ = ["Neuron", "SubnetState", "Metagraph"]


@dataclass
class Neuron:
    """One uid's slot: who holds it and what the last epoch gave it.

    ``weights`` are the ``[uid, u16]`` pairs of its last ``set_weights`` (in the
    order sent); ``weights_block`` is that block (-1: never). The float fields
    and ``emission`` (tokens paid) are the last epoch's results. Lesson 06.
    """

    hotkey: str
    coldkey: str
    registered_at: int
    last_update: int
    weights: list[list[int]] = field(default_factory=list)
    weights_block: int = -1
    validator_permit: bool = False
    consensus: float = 0.0
    incentive: float = 0.0
    dividends: float = 0.0
    trust: float = 0.0
    validator_trust: float = 0.0
    emission: int = 0


#: Column names of the old dict-of-lists state, for read-only access.
_COLUMNS = {f.name + ("s" if f.name in ("hotkey", "coldkey") else ""): f.name
            for f in fields(Neuron)}  # fmt: skip


@dataclass(frozen=True)
class Metagraph:
    """A snapshot of the subnet per uid (``bittensor.Metagraph``), numpy arrays.

    ``stake`` is in tokens; ``weights`` and ``bonds`` are dense ``n x n`` u16
    matrices as stored; the float fields are the last epoch's results.
    Introduced in lesson 06.
    """

    netuid: int
    block: int
    n: int
    uids: np.ndarray
    hotkeys: list[str]
    coldkeys: list[str]
    stake: np.ndarray
    trust: np.ndarray
    consensus: np.ndarray
    incentive: np.ndarray
    dividends: np.ndarray
    validator_trust: np.ndarray
    emission: np.ndarray
    validator_permit: np.ndarray
    last_update: np.ndarray
    registered_at: np.ndarray
    active: np.ndarray
    weights: np.ndarray
    bonds: np.ndarray

    # Bittensor's one-letter aliases
    @property
    def S(self) -> np.ndarray:  # noqa: N802
        return self.stake

    @property
    def I(self) -> np.ndarray:  # noqa: N802, E743
        return self.incentive

    @property
    def D(self) -> np.ndarray:  # noqa: N802
        return self.dividends

    @property
    def W(self) -> np.ndarray:  # noqa: N802
        return self.weights

    def uid(self, hotkey: str) -> int | None:
        """The uid ``hotkey`` holds, or None."""
        return self.hotkeys.index(hotkey) if hotkey in self.hotkeys else None


@dataclass
class SubnetState:
    """``State.ext["subnet"]``: neurons by uid, bonds, stakes and counters.

    ``stakes`` maps hotkey -> {coldkey: tokens}; ``bonds[i][j]`` is validator
    i's u16 bond in miner j (classic: column max-upscaled). ``last_epoch`` is the
    height of the last epoch, ``epochs`` how many ran, ``burned``/``minted`` the
    tokens registration burned and epochs minted. Lesson 06.
    """

    neurons: list[Neuron] = field(default_factory=list)
    bonds: list[list[int]] = field(default_factory=list)
    stakes: dict[str, dict[str, int]] = field(default_factory=dict)
    last_epoch: int = 0
    epochs: int = 0
    burned: int = 0
    minted: int = 0

    @property
    def n(self) -> int:
        """How many uids are taken."""
        return len(self.neurons)

    def uid_of(self, hotkey: str) -> int | None:
        """The uid ``hotkey`` holds, or None."""
        for uid, neuron in enumerate(self.neurons):
            if neuron.hotkey == hotkey:
                return uid
        return None

    def stake_of(self, hotkey: str) -> int:
        """Every token staked on ``hotkey``."""
        return sum(self.stakes.get(hotkey, {}).values())

    def stake_vector(self) -> np.ndarray:
        """Stake per uid (float64, as the epoch takes it)."""
        return np.array(
            [self.stake_of(nr.hotkey) for nr in self.neurons], dtype=np.float64
        )

    def total_stake(self) -> int:
        """Every token staked on the subnet."""
        return sum(sum(by_cold.values()) for by_cold in self.stakes.values())

    def column(self, name: str) -> list:
        """One field of every neuron, by uid (``column("hotkey")``)."""
        return [getattr(nr, name) for nr in self.neurons]

    def __getitem__(self, key: str) -> object:
        """Read-only access by the old namespace keys (``ns["epochs"]``,
        ``ns["hotkeys"]``, ...): a copy, so writing to it changes nothing."""
        if key in _COLUMNS:
            return self.column(_COLUMNS[key])
        if key in ("bonds", "stakes", "last_epoch", "epochs", "burned", "minted"):
            value = getattr(self, key)
            if key == "bonds":
                return [list(row) for row in value]
            if key == "stakes":
                return {h: dict(c) for h, c in value.items()}
            return value
        raise KeyError(key)

    def metagraph(self, netuid: int, activity_cutoff: int, block: int | None = None):
        """The subnet as a :class:`Metagraph` at ``block`` (default: the latest
        block this state saw, the last epoch or weights)."""
        n = self.n
        w = np.zeros((n, n), dtype=np.int64)
        for i, nr in enumerate(self.neurons):
            for j, value in nr.weights:
                w[i, j] = value
        last_update = np.array(self.column("last_update"), dtype=np.int64)
        if block is None:
            block = max(self.last_epoch, int(last_update.max(initial=0)))

        def f(name: str) -> np.ndarray:
            return np.array(self.column(name), dtype=np.float64)

        return Metagraph(
            netuid=netuid,
            block=block,
            n=n,
            uids=np.arange(n),
            hotkeys=self.column("hotkey"),
            coldkeys=self.column("coldkey"),
            stake=self.stake_vector().astype(np.int64),
            trust=f("trust"),
            consensus=f("consensus"),
            incentive=f("incentive"),
            dividends=f("dividends"),
            validator_trust=f("validator_trust"),
            emission=np.array(self.column("emission"), dtype=np.int64),
            validator_permit=np.array(self.column("validator_permit"), dtype=bool),
            last_update=last_update,
            registered_at=np.array(self.column("registered_at"), dtype=np.int64),
            active=last_update + activity_cutoff >= block,
            weights=w,
            bonds=np.array(self.bonds, dtype=np.int64).reshape(n, n),
        )
