"""A minted collection on disk: images, metadata JSON and a manifest of hashes.

Layout of a collection directory::

    manifest.json            name, tokens (id, image CID, metadata CID), file hashes
    images/<image CID>.png   the artwork, named by its content id
    metadata/<id>.json       the token's metadata (canonical JSON)

:func:`save_collection` writes everything into a temporary sibling directory, flushes
it to disk and only then renames it into place, so a crash leaves either the old
collection or the new one, never half of one. :func:`load_collection` re-checks every
size, sha256, CID and metadata document and refuses a truncated or tampered
collection with a :class:`CollectionError` naming the file. Introduced in lesson 12.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cid import cid_v1
from .errors import CollectionError, MetadataError
from .metadata import parse_metadata

__all__ = [
    "COLLECTION_FORMAT",
    "CollectionItem",
    "Collection",
    "save_collection",
    "load_collection",
]

COLLECTION_FORMAT = "chainmind-collection/1"


@dataclass(frozen=True)
class CollectionItem:
    """One token's files: PNG bytes and canonical metadata JSON bytes."""

    token_id: int
    image: bytes
    metadata: bytes

    @property
    def image_cid(self) -> str:
        """CIDv1 of the image bytes."""
        return cid_v1(self.image)

    @property
    def metadata_cid(self) -> str:
        """CIDv1 of the metadata bytes (``tokenURI`` is ``ipfs://`` + this)."""
        return cid_v1(self.metadata)

    def metadata_dict(self) -> dict[str, Any]:
        """The parsed metadata, checked to name this image."""
        return parse_metadata(self.metadata, self.image_cid)


@dataclass(frozen=True)
class Collection:
    """A verified collection: its name and items by token id."""

    name: str
    items: dict[int, CollectionItem]


def save_collection(path: str | Path, name: str, items: list[CollectionItem]) -> Path:
    """Write a collection atomically (temp dir + rename); returns the path.

    Each item's metadata must be valid and name its image (MetadataError otherwise).
    An existing collection at ``path`` is replaced only once the new one is complete.
    """
    path = Path(path)
    ids = [it.token_id for it in items]
    if len(set(ids)) != len(ids):
        raise CollectionError("two items share a token id")
    for it in items:
        it.metadata_dict()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.tmp-", dir=path.parent))
    try:
        files: dict[str, bytes] = {}
        tokens = []
        for it in sorted(items, key=lambda i: i.token_id):
            img = f"images/{it.image_cid}.png"
            md = f"metadata/{it.token_id}.json"
            files[img], files[md] = it.image, it.metadata
            tokens.append(
                {
                    "token_id": it.token_id,
                    "image": img,
                    "image_cid": it.image_cid,
                    "metadata": md,
                    "metadata_cid": it.metadata_cid,
                }
            )
        manifest = {
            "format": COLLECTION_FORMAT,
            "name": name,
            "tokens": tokens,
            "files": {
                rel: {"sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                for rel, b in sorted(files.items())
            },
        }
        files["manifest.json"] = (
            json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        ).encode()
        for rel, data in files.items():
            f = tmp / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            with open(f, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        old = None
        if path.exists():
            old = path.with_name(f".{path.name}.old-{os.getpid()}")
            os.rename(path, old)
        try:
            os.rename(tmp, path)
        except BaseException:
            if old is not None:  # put the previous collection back
                os.rename(old, path)
            raise
        if old is not None:
            shutil.rmtree(old)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load_collection(path: str | Path) -> Collection:
    """Read and verify a collection; CollectionError says what is wrong and where."""
    path = Path(path)
    mpath = path / "manifest.json"
    try:
        manifest = json.loads(mpath.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise CollectionError(f"{mpath} is missing: not a collection") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CollectionError(f"{mpath} is not valid JSON (truncated?): {e}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != COLLECTION_FORMAT:
        raise CollectionError(f"{mpath} is not a {COLLECTION_FORMAT} manifest")
    try:
        listed = {rel: (d["sha256"], d["size"]) for rel, d in manifest["files"].items()}
        tokens = list(manifest["tokens"])
        name = manifest["name"]
    except (KeyError, TypeError, AttributeError) as e:
        raise CollectionError(f"{mpath} is malformed: {e!r}") from None
    present = {
        p.relative_to(path).as_posix()
        for p in path.rglob("*")
        if p.is_file() and p.name != "manifest.json"
    }
    extra = sorted(present - set(listed))
    if extra:
        raise CollectionError(f"{extra[0]} is not in the manifest (an added file?)")
    blobs: dict[str, bytes] = {}
    for rel, (digest, size) in sorted(listed.items()):
        if rel not in present:
            raise CollectionError(f"{rel} is missing")
        data = (path / rel).read_bytes()
        if len(data) != size:
            raise CollectionError(
                f"{rel} has {len(data)} bytes, the manifest says {size} (truncated?)"
            )
        if hashlib.sha256(data).hexdigest() != digest:
            raise CollectionError(f"{rel} does not match its sha256 (tampered?)")
        blobs[rel] = data
    items: dict[int, CollectionItem] = {}
    for t in tokens:
        try:
            tid, img, md = t["token_id"], blobs[t["image"]], blobs[t["metadata"]]
        except (KeyError, TypeError) as e:
            raise CollectionError(f"manifest token entry {t!r} is malformed") from e
        item = CollectionItem(tid, img, md)
        if (
            item.image_cid != t["image_cid"]
            or t["image"] != f"images/{item.image_cid}.png"
        ):
            raise CollectionError(f"token {tid}: image does not match its CID")
        if item.metadata_cid != t["metadata_cid"]:
            raise CollectionError(f"token {tid}: metadata does not match its CID")
        try:
            item.metadata_dict()
        except MetadataError as e:
            raise CollectionError(f"token {tid}: {e}") from None
        items[tid] = item
    return Collection(name, items)
