"""NFTs for AI art: content ids, metadata, an ERC-721 registry, royalties, minting.

Public API (the course's, see the README)::

    from refimpl.nft import NFTRegistry, NFTError, ZERO_ADDRESS, cid_v1, royalty_amount

Modules: ``cid`` (IPFS CIDv1), ``royalty`` (EIP-2981 arithmetic), ``registry``
(ERC-721 after OpenZeppelin 5), ``metadata`` (EIP-721 JSON + AI fields),
``collection`` (a collection on disk), ``onchain`` (the registry as a chain
extension with a marketplace), ``pipeline`` (generate -> mint -> verify).
Introduced in lessons 11 and 12.
"""

from . import errors
from .cid import cid_from_sha256, cid_v1, is_cid_v1, sha256_from_cid
from .errors import *  # noqa: F403 - the whole error family
from .metadata import (
    build_metadata,
    cid_from_uri,
    ipfs_uri,
    metadata_bytes,
    parse_metadata,
)
from .registry import ERC721_RECEIVED, INTERFACE_IDS, ZERO_ADDRESS, Event, NFTRegistry
from .royalty import FEE_DENOMINATOR, royalty_amount

__all__ = [
    "NFTRegistry",
    "ZERO_ADDRESS",
    "cid_v1",
    "royalty_amount",
    "cid_from_sha256",
    "sha256_from_cid",
    "is_cid_v1",
    "Event",
    "ERC721_RECEIVED",
    "INTERFACE_IDS",
    "FEE_DENOMINATOR",
    "build_metadata",
    "metadata_bytes",
    "parse_metadata",
    "ipfs_uri",
    "cid_from_uri",
]
__all__ += errors.__all__  # NFTError and its subclasses
