"""The minting pipeline: seed -> image -> CID -> metadata -> mint -> block -> verify.

1. **Generate** with ``refimpl.art.make_artwork`` (pixels, PNG, provenance record).
2. **Hash and name**: the PNG's CIDv1 goes into the record (``record.cid``).
3. **Describe**: EIP-721 metadata with the AI fields and the full provenance record,
   canonical JSON, its own CID.
4. **Mint**: an ``nft_mint`` transaction signed by the artist names the token id, the
   image CID, the metadata CID and the royalty; a mined block makes it final.
5. **Verify** (anyone, from the chain and the published files): the token's URI is the
   metadata's CID, the metadata names the minted image, and re-rendering from the
   recorded seed, style and generator gives the recorded pixels.

Introduced in lesson 12.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from refimpl.art import MODEL_NAME, ArtError, ProvenanceRecord, make_artwork
from refimpl.art import verify_provenance as _verify_art

from .cid import cid_v1
from .collection import CollectionItem
from .errors import InvalidArgument, MetadataError, NFTError
from .metadata import build_metadata, metadata_bytes, parse_metadata
from .onchain import nft_tx

__all__ = [
    "PreparedArtwork",
    "Verification",
    "prepare_artwork",
    "mint_transaction",
    "mint_artworks",
    "verify_token",
]


@dataclass(frozen=True, eq=False)
class PreparedArtwork:
    """Everything needed to mint and publish one artwork (steps 1-3)."""

    token_id: int
    pixels: Any  # (size, size, 3) uint8 numpy array
    png: bytes
    record: ProvenanceRecord
    image_cid: str
    metadata: bytes
    metadata_cid: str

    @property
    def item(self) -> CollectionItem:
        """The files to publish (see :mod:`refimpl.nft.collection`)."""
        return CollectionItem(self.token_id, self.png, self.metadata)


def prepare_artwork(
    token_id: int,
    seed: int,
    style: str = "classic",
    size: int = 256,
    *,
    name: str | None = None,
    description: str | None = None,
) -> PreparedArtwork:
    """Render, hash, name and describe one artwork (pipeline steps 1-3)."""
    art = make_artwork(seed, style, size)
    image_cid = cid_v1(art.png)
    record = replace(art.record, cid=image_cid)
    md = build_metadata(
        name=name or f"{style.capitalize()} #{seed}",
        description=description
        or f"A {style} artwork rendered bit-exactly from seed {seed} ({size}x{size}).",
        image_cid=image_cid,
        model="trained-decoder" if style == MODEL_NAME else "cppn",
        seed=record.seed,
        style=style,
        attributes=[
            {"trait_type": "style", "value": style},
            {"trait_type": "seed", "value": record.seed, "display_type": "number"},
            {"trait_type": "size", "value": size, "display_type": "number"},
        ],
        provenance=record.to_dict(),
    )
    data = metadata_bytes(md)
    return PreparedArtwork(
        token_id, art.pixels, art.png, record, image_cid, data, cid_v1(data)
    )


def mint_transaction(
    key: Any,
    art: PreparedArtwork,
    *,
    nonce: int,
    chain_id: int,
    royalty_bps: int = 500,
    fee: int = 0,
) -> Any:
    """The artist's signed ``nft_mint`` transaction for ``art`` (pipeline step 4)."""
    payload = {
        "token_id": art.token_id,
        "image_cid": art.image_cid,
        "metadata_cid": art.metadata_cid,
        "royalty_bps": royalty_bps,
    }
    return nft_tx(key, "nft_mint", payload, nonce=nonce, chain_id=chain_id, fee=fee)


def mint_artworks(
    chain: Any,
    key: Any,
    arts: Sequence[PreparedArtwork],
    miner: str,
    *,
    royalty_bps: int = 500,
) -> Any:
    """Sign one mint per artwork (consecutive nonces) and mine them in one block."""
    start = chain.state.nonce(key.public_key.address)
    txs = [
        mint_transaction(
            key,
            a,
            nonce=start + i,
            chain_id=chain.params.chain_id,
            royalty_bps=royalty_bps,
        )
        for i, a in enumerate(arts)
    ]
    return chain.mine_block(txs, miner)


@dataclass(frozen=True)
class Verification:
    """The outcome of :func:`verify_token`: ``ok`` and every reason it is not."""

    token_id: int
    ok: bool
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def verify_token(state: Any, token_id: int, item: CollectionItem) -> Verification:
    """Check a minted token against published files, as any node could (step 5).

    ``state`` is a chain state with the ``nft`` extension; ``item`` the token's PNG
    and metadata bytes (from :func:`refimpl.nft.collection.load_collection`). Every
    failed check adds a reason; a token verifies only when there is none.
    """
    if not isinstance(item, CollectionItem):
        raise InvalidArgument(
            f"item must be a CollectionItem, got {type(item).__name__}"
        )
    ext = getattr(state, "ext", None)
    ledger = ext.get("nft") if isinstance(ext, dict) else None
    if ledger is None:
        raise InvalidArgument("state must be a chain state with the nft extension")
    reasons: list[str] = []
    notes: list[str] = []
    try:
        uri = ledger.registry.token_uri(token_id)
    except NFTError as e:
        return Verification(token_id, False, (f"not on chain: {e}",))
    image_cid = cid_v1(item.image)
    if uri != "ipfs://" + cid_v1(item.metadata):
        reasons.append("metadata file is not the one the token points at (tokenURI)")
    if ledger.image_cids.get(token_id) != image_cid:
        reasons.append("image file is not the image minted on chain (CID differs)")
    try:
        md = parse_metadata(item.metadata, image_cid)
        record = ProvenanceRecord.from_dict(md.get("provenance"))
    except (MetadataError, ArtError) as e:
        return Verification(token_id, False, (*reasons, f"metadata: {e}"))
    if record.cid != image_cid:
        reasons.append("provenance record names another image CID")
    if (record.seed, record.style) != (md["seed"], md.get("style")):
        reasons.append("provenance seed/style differ from the metadata's")
    result = _verify_art(record, item.image)
    reasons.extend(f"provenance: {r}" for r in result.reasons)
    notes.extend(result.notes)
    return Verification(token_id, not reasons, tuple(reasons), tuple(notes))
