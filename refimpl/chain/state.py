"""Ledger state (balances, nonces, supply, extension namespaces) and block context.

The state is what the chain computes from its blocks; it is never sent over the
wire. A block applies to a *child* of its parent's state: balances and nonces are an
:class:`Overlay` whose writes stay apart from the parent's (Bitcoin Core's
``CCoinsViewCache`` over ``CCoinsViewDB``), extension namespaces a deep copy. Only if
every rule passes are the writes kept, as a :class:`StateDelta` (new and old value of
each changed entry, Bitcoin Core's undo data), so a rejected block changes nothing
and the chain stores changes per block, not a full state per block.
Introduced in lesson 03 (state) and lesson 05 (children, deltas).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["State", "BlockContext", "Overlay", "StateDelta", "ABSENT"]


class _Absent:
    """The marker for "no entry" in an overlay or a delta."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


class Overlay(MutableMapping):
    """A mapping that reads through to a read-only ``base`` and keeps its own writes.

    ``changes`` maps each written key to its new value (``ABSENT`` once deleted); the
    base is never modified. Introduced in lesson 05.
    """

    __slots__ = ("base", "changes")

    def __init__(self, base: Mapping) -> None:
        self.base = base
        self.changes: dict = {}

    def __getitem__(self, key: Any) -> Any:
        value = self.changes.get(key, self)
        if value is self:
            return self.base[key]
        if value is ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = self.changes.get(key, self)
        if value is self:
            return self.base.get(key, default)
        return default if value is ABSENT else value

    def __contains__(self, key: object) -> bool:
        value = self.changes.get(key, self)
        if value is self:
            return key in self.base
        return value is not ABSENT

    def __setitem__(self, key: Any, value: Any) -> None:
        hash(key)
        self.changes[key] = value

    def __delitem__(self, key: Any) -> None:
        if key not in self:
            raise KeyError(key)
        self.changes[key] = ABSENT

    def __iter__(self) -> Iterator:
        changes = self.changes
        for key in self.base:
            if changes.get(key) is not ABSENT:
                yield key
        for key, value in changes.items():
            if value is not ABSENT and key not in self.base:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return repr(dict(self))

    def copy(self) -> dict:
        """A plain dict of the current contents."""
        return dict(self)

    def delta(self) -> dict:
        """``{key: (old, new)}`` for every entry the writes really changed."""
        out = {}
        base = self.base
        for key, new in self.changes.items():
            old = base.get(key, ABSENT)
            if old is ABSENT and new is ABSENT:
                continue
            if old is ABSENT or new is ABSENT or not identical(old, new):
                out[key] = (old, new)
        return out


def identical(a: Any, b: Any) -> bool:
    """Equal *and* of the same types all the way down (1, 1.0 and True differ)."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(identical(v, b[k]) for k, v in a.items())
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(identical, a, b))
    try:
        return bool(a == b)
    except Exception:  # e.g. numpy arrays: treat as changed, which is always safe
        return False


def _table_delta(old: Mapping, new: Mapping) -> dict:
    """``{key: (old, new)}``: from the overlay's writes when ``new`` is an overlay
    on ``old`` (the usual case), else by comparing every entry (a hook replaced the
    whole table)."""
    if isinstance(new, Overlay) and new.base is old:
        return new.delta()
    out = {k: (old.get(k, ABSENT), v) for k, v in new.items()
           if k not in old or not identical(old[k], v)}  # fmt: skip
    out.update({k: (v, ABSENT) for k, v in old.items() if k not in new})
    return out


def _is_record(x: Any) -> bool:
    """A dataclass instance (its fields are diffed one by one, like dict keys)."""
    return dataclasses.is_dataclass(x) and not isinstance(x, type)


def _own(ns: Any) -> Any:
    """A namespace the caller may change at the top level without touching ``ns``."""
    if type(ns) is dict:
        return dict(ns)
    return copy.copy(ns) if _is_record(ns) else ns


def _set(target: MutableMapping, key: Any, value: Any) -> None:
    if value is ABSENT:
        target.pop(key, None)
    else:
        target[key] = value


@dataclass(frozen=True)
class StateDelta:
    """What one block changed: ``{key: (old, new)}`` per table, old and new supply,
    and per extension namespace ``("keys", {key: (old, new)})`` (a dict namespace,
    top-level keys), ``("fields", {name: (old, new)})`` (a dataclass namespace) or
    ``("whole", old, new)``. ``ABSENT`` marks a missing
    entry. :meth:`apply` goes from the parent's state to the block's, :meth:`revert`
    back (Bitcoin Core's ``CBlockUndo``). Introduced in lesson 05.
    """

    balances: dict
    nonces: dict
    supply: tuple[int, int]
    ext: dict

    def apply(self, state: State) -> None:
        """Turn the parent's state (own dicts, see :meth:`State.copy_shared`) into
        the block's, in place."""
        self._move(state, 1)

    def revert(self, state: State) -> None:
        """Turn the block's state into its parent's, in place."""
        self._move(state, 0)

    def _move(self, state: State, side: int) -> None:
        for table, target in ((self.balances, state.balances),
                              (self.nonces, state.nonces)):  # fmt: skip
            for key, pair in table.items():
                _set(target, key, pair[side])
        state.supply = self.supply[side]
        for name, change in self.ext.items():
            if change[0] == "whole":
                _set(state.ext, name, change[1 + side])
            elif change[0] == "fields":
                ns = state.ext[name]
                for key, pair in change[1].items():
                    object.__setattr__(ns, key, pair[side])
            else:
                ns = state.ext[name]
                for key, pair in change[1].items():
                    _set(ns, key, pair[side])


@dataclass
class State:
    """Balances and nonces by address, the token supply and extension state.

    ``supply`` counts the tokens in existence: the genesis allocation plus every
    coinbase subsidy plus what extensions mint (a miner who claims less than
    subsidy + fees burns the difference). Introduced in lesson 03.
    """

    balances: MutableMapping[str, int] = field(default_factory=dict)
    nonces: MutableMapping[str, int] = field(default_factory=dict)
    supply: int = 0
    ext: dict[str, Any] = field(default_factory=dict)

    def balance(self, address: str) -> int:
        """The balance of ``address`` (0 if it never received anything)."""
        return self.balances.get(address, 0)

    def nonce(self, address: str) -> int:
        """The next nonce ``address`` must use."""
        return self.nonces.get(address, 0)

    def copy(self) -> State:
        """A deep copy: change it freely, the original never sees it."""
        return State(
            dict(self.balances), dict(self.nonces), self.supply, copy.deepcopy(self.ext)
        )

    def child(self) -> State:
        """A working state on top of this one (which it never modifies): balances
        and nonces are :class:`Overlay` s, extension namespaces a deep copy.
        :meth:`delta_from` then tells what changed. Introduced in lesson 05."""
        return State(
            Overlay(self.balances),
            Overlay(self.nonces),
            self.supply,
            copy.deepcopy(self.ext),
        )

    def copy_shared(self) -> State:
        """Own balance, nonce and namespace dicts (dataclass namespaces: a shallow
        copy), but the *values* inside extension namespaces shared with this
        state: never mutate them in place (replace them). What the chain keeps for
        a block and rebuilds old states with."""
        ext = {k: _own(v) for k, v in self.ext.items()}
        return State(dict(self.balances), dict(self.nonces), self.supply, ext)

    def delta_from(self, parent: State) -> StateDelta:
        """The changes that turn ``parent`` into this state, a :meth:`child` of it."""
        ext: dict[str, tuple] = {}
        for name in parent.ext.keys() | self.ext.keys():
            old = parent.ext.get(name, ABSENT)
            new = self.ext.get(name, ABSENT)
            if type(old) is dict and type(new) is dict:
                keys = {
                    k: (old.get(k, ABSENT), new.get(k, ABSENT))
                    for k in old.keys() | new.keys()
                    if k not in old or k not in new or not identical(old[k], new[k])
                }
                if keys:
                    ext[name] = ("keys", keys)
            elif type(old) is type(new) and _is_record(old):
                pairs = {
                    f.name: (getattr(old, f.name), getattr(new, f.name))
                    for f in dataclasses.fields(old)
                }
                fields = {k: p for k, p in pairs.items() if not identical(*p)}
                if fields:
                    ext[name] = ("fields", fields)
            elif not identical(old, new):
                ext[name] = ("whole", old, new)
        return StateDelta(
            _table_delta(parent.balances, self.balances),
            _table_delta(parent.nonces, self.nonces),
            (parent.supply, self.supply),
            ext,
        )

    def snapshot(self) -> dict:
        """A plain, comparable dict of everything (tests: before == after)."""
        return {
            "balances": {k: v for k, v in sorted(self.balances.items()) if v},
            "nonces": {k: v for k, v in sorted(self.nonces.items()) if v},
            "supply": self.supply,
            "ext": copy.deepcopy(self.ext),
        }


@dataclass(frozen=True)
class BlockContext:
    """What a transaction may know about the block it is in.

    ``miner`` is the coinbase recipient's address; ``block_hash`` is the hash of
    the block's header (internal byte order). Introduced in lesson 05.
    """

    height: int
    timestamp: int
    miner: str
    block_hash: bytes
    chain_id: int
