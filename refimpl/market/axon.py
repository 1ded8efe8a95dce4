"""Axon, dendrite and synapse: how validators talk to miners (in process).

In Bittensor a miner runs an **axon** (a server advertised on chain), a validator
uses a **dendrite** (a client) and they exchange **synapses**: typed request objects
whose response fields the miner fills in (``bittensor.Synapse``, a pydantic model).
Here they are plain dataclasses and function calls, so the shape is the same but no
network is involved. Introduced in lesson 06.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

__all__ = ["Synapse", "Predict", "Axon", "Dendrite"]


@dataclass
class Synapse:
    """Base request/response record: who answered and how it went.

    ``status_code`` follows Bittensor's use of HTTP codes: 200 ok, 500 the miner
    raised, 0 not sent yet.
    """

    axon_hotkey: str = ""
    status_code: int = 0
    status_message: str = ""


@dataclass
class Predict(Synapse):
    """The task's synapse: the validator fills ``x``, the miner fills ``prediction``."""

    x: torch.Tensor | None = None
    prediction: torch.Tensor | None = None

    def deserialize(self) -> torch.Tensor | None:
        """The response payload, as ``bittensor.Synapse.deserialize`` returns it."""
        return self.prediction


class Axon:
    """A miner's server: wraps its ``forward(synapse) -> synapse`` function."""

    def __init__(self, hotkey: str, forward: Callable[[Synapse], Synapse]) -> None:
        self.hotkey = hotkey
        self.forward_fn = forward

    def __call__(self, synapse: Synapse) -> Synapse:
        """Serve one request: work on a copy, record the hotkey and a status."""
        request = dataclasses.replace(synapse, axon_hotkey=self.hotkey)
        try:
            response = self.forward_fn(request)
        except Exception as exc:  # a broken miner must not break the validator
            request.status_code = 500
            request.status_message = f"{type(exc).__name__}: {exc}"
            return request
        response.status_code = 200
        return response

    def __repr__(self) -> str:
        return f"Axon(hotkey={self.hotkey!r})"


class Dendrite:
    """A validator's client: sends one synapse to many axons, returns the responses.

    ``dendrite(axons, synapse)`` mirrors ``await bittensor.dendrite(axons, synapse)``.
    """

    def __call__(self, axons: Sequence[Axon], synapse: Synapse) -> list[Synapse]:
        return [axon(synapse) for axon in axons]
