"""The classroom network's consensus parameters: what every node must agree on.

A low, fixed difficulty (``0x2000ffff``: about 256 hashes a block, a few ms in
Python) and no retargeting, because laptops mine at the ``--block-interval`` the
instructor picks, not at a schedule; blocks carry the wall-clock time. The subnet
is lesson 09's with room for a classroom (64 uids) and no burn, so a learner's
fresh coldkey can register for free. Introduced in lesson 15.
"""

from __future__ import annotations

from refimpl.chain import ChainParams
from refimpl.market.subnet import Subnet, SubnetParams
from refimpl.net.keys import FUNDED_VALIDATOR_SEEDS, VALIDATOR_FUNDS, coldkey, hotkey
from refimpl.net.serving import AxonServing
from refimpl.nft.onchain import NFTExtension

__all__ = ["CHAIN_ID", "chain_params", "subnet_params", "extensions", "genesis_alloc"]

CHAIN_ID = 15


def chain_params() -> ChainParams:
    """Chain id 15, bits ``0x2000ffff``, no retargeting (interval 2**31)."""
    return ChainParams(
        chain_id=CHAIN_ID,
        genesis_bits=0x2000FFFF,
        retarget_interval=2**31,
        target_spacing=1,
    )


def subnet_params(tempo: int = 10) -> SubnetParams:
    """Subnet 1: 64 uids, 4 validator permits, weights every 2 blocks at most."""
    if isinstance(tempo, bool) or not isinstance(tempo, int) or not 2 <= tempo <= 1000:
        raise ValueError(f"tempo must be an int in [2, 1000], not {tempo!r}")
    return SubnetParams(
        netuid=1,
        owner=hotkey("node", 0).public_key.address,
        max_uids=64,
        max_validators=4,
        immunity_period=4 * tempo,
        tempo=tempo,
        weights_rate_limit=2,
        burn=0,
    )


def extensions(tempo: int = 10) -> tuple[Subnet, NFTExtension, AxonServing]:
    """Fresh extensions for one node: the subnet, the NFT registry, axon serving."""
    subnet = Subnet(subnet_params(tempo))
    return subnet, NFTExtension(), AxonServing(subnet)


def genesis_alloc() -> dict[str, int]:
    """The funded validator coldkeys (seeds 0-7), so validators can stake."""
    return {
        coldkey("validator", s).public_key.address: VALIDATOR_FUNDS
        for s in FUNDED_VALIDATOR_SEEDS
    }
