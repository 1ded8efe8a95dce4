"""``serve_axon``: a registered hotkey publishes its axon's address on chain.

Bittensor's ``serve_axon`` extrinsic stores ``ip``, ``port``, protocol and version
per hotkey; validators find miners by reading them from the metagraph. Here it is a
chain extension owning one kind, ``serve_axon``: signed by the **hotkey**, amount 0,
``payload {"netuid", "ip", "port", "version"}``. The ip is the address the learner
gives (an IPv4 dotted quad, never guessed); the port must be 1024-65535, as
Bittensor requires. Serving again replaces the record (a laptop that changed
address). Introduced in lesson 15.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from refimpl.chain import (
    Extension,
    InvalidTransaction,
    Transaction,
    decode_payload,
    encode_payload,
)
from refimpl.chain.state import BlockContext, State

__all__ = ["AxonServing", "AXON_VERSION", "serve_axon_tx"]

AXON_VERSION = 1


def _check_ip(ip: Any) -> str:
    if not isinstance(ip, str) or len(ip) > 15:
        raise InvalidTransaction(f"ip {ip!r} is not an IPv4 address")
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        raise InvalidTransaction(f"ip {ip!r} is not an IPv4 address") from None
    if addr.is_unspecified or addr.is_multicast:
        raise InvalidTransaction(f"ip {ip} cannot be reached (0.0.0.0 or multicast)")
    return str(addr)


class AxonServing(Extension):
    """The ``serve_axon`` kind; state: ``{hotkey address: {ip, port, version,
    block}}``. ``subnet`` is the :class:`~refimpl.market.subnet.Subnet` whose
    metagraph says who is registered."""

    name = "axons"
    kinds = ("serve_axon",)

    def __init__(self, subnet: Any) -> None:
        self.subnet = subnet

    def init_state(self) -> dict:
        return {}

    def validate_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        p = decode_payload(tx.payload)
        if p.get("netuid") != self.subnet.params.netuid:
            raise InvalidTransaction(
                f"netuid {p.get('netuid')!r} is not this subnet "
                f"({self.subnet.params.netuid})"
            )
        if tx.amount != 0 or tx.recipient != "":
            raise InvalidTransaction(
                "serve_axon moves no tokens (amount 0, no recipient)"
            )
        if set(p) != {"netuid", "ip", "port", "version"}:
            raise InvalidTransaction(
                "serve_axon payload is {netuid, ip, port, version}"
            )
        _check_ip(p["ip"])
        port = p["port"]
        if isinstance(port, bool) or not isinstance(port, int):
            raise InvalidTransaction(f"port {port!r} is not an integer")
        if not 1024 <= port <= 65535:
            raise InvalidTransaction(f"port {port} is outside 1024-65535")
        if p["version"] != AXON_VERSION:
            raise InvalidTransaction(f"axon version {p['version']!r} is not 1")
        if tx.sender_address not in self.subnet.metagraph(state).hotkeys:
            raise InvalidTransaction("serve_axon: the hotkey is not registered")

    def apply_tx(self, state: State, tx: Transaction, ctx: BlockContext) -> None:
        p = decode_payload(tx.payload)
        record = {"ip": _check_ip(p["ip"]), "port": p["port"], "version": p["version"]}
        state.ext[self.name][tx.sender_address] = {**record, "block": ctx.height}

    def axons(self, state: State) -> dict[str, dict]:
        """A copy of every served axon, by hotkey address."""
        return {k: dict(v) for k, v in state.ext.get(self.name, {}).items()}


def serve_axon_tx(
    hot: Any, ip: str, port: int, *, nonce: int, chain_id: int, netuid: int = 1
) -> Transaction:
    """A signed ``serve_axon`` for hotkey ``hot`` (a PrivateKey)."""
    payload = {"netuid": netuid, "ip": ip, "port": port, "version": AXON_VERSION}
    tx = Transaction(
        hot.public_key.to_bytes(compressed=True),
        "",
        0,
        0,
        nonce,
        chain_id,
        "serve_axon",
        encode_payload(payload),
    )
    return tx.sign(hot)
