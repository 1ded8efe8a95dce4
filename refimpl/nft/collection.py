"""A minted collection on disk: images, metadata JSON and a manifest of hashes.

Layout of a collection directory::

    manifest.json            name, tokens (id, image CID, metadata CID), file hashes
    images/<image CID>.png   the artwork, named by its content id
    metadata/<id>.json       the token's metadata (canonical JSON)

:func:`save_collection` writes everything into a temporary sibling directory, flushes
it to disk and only then puts it in place. On Linux the new and the old directory are
*exchanged* in one atomic step (``renameat2(RENAME_EXCHANGE)``), so the path always
holds a complete collection, whenever the process is killed. Elsewhere (or on a file
system without the exchange) the old directory is renamed aside first and the new one
renamed in; a save killed between the two renames leaves the old collection under a
hidden name, and the next :func:`load_collection` or :func:`save_collection` on the
path puts it back. Temporary directories of killed saves are removed by the next save.

:func:`load_collection` checks the manifest's shape (every field, its type, no
duplicate token id, only the file names the saver writes, so nothing can point outside
the directory), then every size, sha256, CID and metadata document, and refuses a
truncated or altered collection with a :class:`CollectionError` naming the file.

What the checksums protect against: *accidents* (a truncated or half-copied file, bit
rot, a file edited without updating the manifest). They are plain, unkeyed sha256
values: whoever can write the directory can rewrite the manifest to match. What makes
a minted token tamper-evident is the chain: its ``tokenURI`` names the metadata's CID,
which names the image's CID (:func:`refimpl.nft.pipeline.verify_token`).
Introduced in lesson 12.
"""

from __future__ import annotations

import ctypes
import errno
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from refimpl import boundedjson

from .cid import cid_v1, is_cid_v1
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

#: The largest manifest read (about 30,000 tokens); parsing is also depth-bounded.
MANIFEST_MAX_BYTES = 16 << 20

_UINT256 = 2**256
_TOKEN_KEYS = {"token_id", "image", "image_cid", "metadata", "metadata_cid"}
_MANIFEST_KEYS = {"format", "name", "tokens", "files"}
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class CollectionItem:
    """One token's files: PNG bytes and canonical metadata JSON bytes."""

    token_id: int
    image: bytes
    metadata: bytes

    def __post_init__(self) -> None:
        tid = self.token_id
        if isinstance(tid, bool) or not isinstance(tid, int) or not 0 <= tid < _UINT256:
            raise CollectionError(
                f"a token id is an int in 0 .. 2**256 - 1, got {tid!r:.60}"
            )
        for name in ("image", "metadata"):
            value = getattr(self, name)
            if isinstance(value, bytearray | memoryview):  # keep a copy, not the buffer
                object.__setattr__(self, name, bytes(value))
            elif not isinstance(value, bytes):
                raise CollectionError(
                    f"token {tid}: {name} must be bytes, got {type(value).__name__}"
                )

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
    """Write a collection atomically (temp dir, then an exchange); returns the path.

    Each item's metadata must be valid and name its image (MetadataError otherwise).
    An existing collection at ``path`` is replaced only once the new one is complete,
    and the path never holds half of one (see the module's notes). A path that is a
    file, a symlink, or a non-empty directory without a ``manifest.json`` is refused
    (CollectionError) rather than replaced.
    """
    path = _check_path(path)
    if not isinstance(name, str):
        raise CollectionError(f"a collection name is a str, got {type(name).__name__}")
    items = list(items)
    for it in items:
        if not isinstance(it, CollectionItem):
            raise CollectionError(f"not a CollectionItem: {type(it).__name__}")
    ids = [it.token_id for it in items]
    if len(set(ids)) != len(ids):
        raise CollectionError("two items share a token id")
    for it in items:
        it.metadata_dict()
    path.parent.mkdir(parents=True, exist_ok=True)
    _recover(path)
    _remove_stale_temporaries(path)
    if path.is_symlink() or (path.exists() and not path.is_dir()):
        raise CollectionError(f"{path} exists and is not a directory")
    if path.is_dir() and any(path.iterdir()) and not (path / "manifest.json").is_file():
        raise CollectionError(
            f"{path} is a directory with files but no manifest.json: not a collection, "
            "so it is not replaced"
        )
    tmp = Path(
        tempfile.mkdtemp(prefix=f".{path.name}.tmp-{os.getpid()}-", dir=path.parent)
    )
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
        for d in (tmp / "images", tmp / "metadata", tmp):
            if d.is_dir():
                _fsync_dir(d)
        _put_in_place(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return path


def load_collection(path: str | Path) -> Collection:
    """Read and verify a collection; CollectionError says what is wrong and where."""
    path = _check_path(path)
    _recover(path)
    mpath = path / "manifest.json"
    try:
        size = mpath.stat().st_size
        if size > MANIFEST_MAX_BYTES:
            raise CollectionError(
                f"{mpath} has {size:,} bytes; a manifest is at most "
                f"{MANIFEST_MAX_BYTES:,}"
            )
        manifest = boundedjson.loads(
            mpath.read_bytes(),
            max_bytes=MANIFEST_MAX_BYTES,
            object_pairs_hook=_no_duplicate_keys,
        )
    except FileNotFoundError:
        raise CollectionError(f"{mpath} is missing: not a collection") from None
    except boundedjson.JSONLimitError as e:
        raise CollectionError(f"{mpath} refused: {e}") from None
    except ValueError as e:  # not UTF-8, not JSON, a duplicate key
        raise CollectionError(f"{mpath} is not valid JSON (truncated?): {e}") from None
    except OSError as e:
        raise CollectionError(f"{mpath} cannot be read: {e}") from None
    name, tokens, listed = _check_manifest(manifest, mpath)
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
        try:
            data = (path / rel).read_bytes()
        except OSError as e:
            raise CollectionError(f"{rel} cannot be read: {e}") from None
        if len(data) != size:
            raise CollectionError(
                f"{rel} has {len(data)} bytes, the manifest says {size} (truncated?)"
            )
        if hashlib.sha256(data).hexdigest() != digest:
            raise CollectionError(
                f"{rel} does not match its sha256 (damaged or edited?)"
            )
        blobs[rel] = data
    items: dict[int, CollectionItem] = {}
    for t in tokens:
        tid = t["token_id"]
        item = CollectionItem(tid, blobs[t["image"]], blobs[t["metadata"]])
        if item.image_cid != t["image_cid"]:
            raise CollectionError(f"token {tid}: image does not match its CID")
        if item.metadata_cid != t["metadata_cid"]:
            raise CollectionError(f"token {tid}: metadata does not match its CID")
        try:
            item.metadata_dict()
        except MetadataError as e:
            raise CollectionError(f"token {tid}: {e}") from None
        items[tid] = item
    return Collection(name, items)


# ----- the manifest's shape ----------------------------------------------------
def _check_manifest(
    m: Any, mpath: Path
) -> tuple[str, list[dict[str, Any]], dict[str, tuple[str, int]]]:
    """(name, tokens, {file: (sha256, size)}) of a well-formed manifest, else raise."""

    def bad(why: str) -> CollectionError:
        return CollectionError(f"{mpath} is malformed: {why}")

    if not isinstance(m, dict) or m.get("format") != COLLECTION_FORMAT:
        raise CollectionError(f"{mpath} is not a {COLLECTION_FORMAT} manifest")
    if set(m) != _MANIFEST_KEYS:
        missing = sorted(_MANIFEST_KEYS - set(m))
        unknown = sorted(set(m) - _MANIFEST_KEYS)
        raise bad(f"missing field(s) {missing}, unknown field(s) {unknown}")
    if not isinstance(m["name"], str):
        raise bad("'name' must be a string")
    if not isinstance(m["files"], dict):
        raise bad("'files' must be an object")
    listed: dict[str, tuple[str, int]] = {}
    for rel, d in m["files"].items():
        if not isinstance(d, dict) or set(d) != {"sha256", "size"}:
            raise bad(f"file entry {rel!r:.80} must have exactly 'sha256' and 'size'")
        digest, size = d["sha256"], d["size"]
        if not isinstance(digest, str) or not _HEX64.fullmatch(digest):
            raise bad(f"file {rel!r:.80}: sha256 must be 64 lowercase hex digits")
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise bad(f"file {rel!r:.80}: size must be an int >= 0")
        listed[rel] = (digest, size)
    if not isinstance(m["tokens"], list):
        raise bad("'tokens' must be a list")
    seen: set[int] = set()
    used: set[str] = set()
    for i, t in enumerate(m["tokens"]):
        if not isinstance(t, dict) or set(t) != _TOKEN_KEYS:
            raise bad(f"token entry {i} must have exactly {sorted(_TOKEN_KEYS)}")
        tid = t["token_id"]
        if isinstance(tid, bool) or not isinstance(tid, int) or not 0 <= tid < _UINT256:
            raise bad(f"token entry {i}: token_id {tid!r:.60} is not a uint256 int")
        if tid in seen:
            raise bad(f"token {tid} is listed twice")
        seen.add(tid)
        for key in ("image_cid", "metadata_cid"):
            if not is_cid_v1(t[key]):
                raise bad(f"token {tid}: {key} is not a raw CIDv1")
        if t["image"] != f"images/{t['image_cid']}.png":
            raise bad(f"token {tid}: image must be images/<image_cid>.png")
        if t["metadata"] != f"metadata/{tid}.json":
            raise bad(f"token {tid}: metadata must be metadata/{tid}.json")
        for key in ("image", "metadata"):
            if t[key] not in listed:
                raise bad(f"token {tid}: {t[key]} is not in 'files'")
            used.add(t[key])
    unused = sorted(set(listed) - used)
    if unused:
        raise bad(f"{unused[0]!r:.80} in 'files' belongs to no token")
    return m["name"], m["tokens"], listed


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r:.80}")
        out[key] = value
    return out


# ----- putting a directory in place ---------------------------------------------------
def _check_path(path: object) -> Path:
    if not isinstance(path, str | os.PathLike) or str(path) == "":
        raise CollectionError(f"a collection path is a str or Path, got {path!r:.80}")
    path = Path(path)
    if path.name in ("", ".", ".."):
        raise CollectionError(f"{str(path)!r} does not name a directory to write")
    return path


def _old_names(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{glob.escape(path.name)}.old-*"))


def _recover(path: Path) -> None:
    """Finish what a killed save left: the old collection back if the path is empty."""
    olds = _old_names(path)
    if not olds:
        return
    if not path.exists():
        newest = max(olds, key=lambda p: p.stat().st_mtime)
        os.rename(newest, path)
        olds.remove(newest)
    for old in olds:
        shutil.rmtree(old, ignore_errors=True)


def _remove_stale_temporaries(path: Path) -> None:
    """Remove temporary directories of saves whose process is gone."""
    pattern = f".{glob.escape(path.name)}.tmp-*"
    for tmp in path.parent.glob(pattern):
        pid = tmp.name[len(f".{path.name}.tmp-") :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(tmp, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is not ours
        return True
    return True


def _put_in_place(new: Path, path: Path) -> None:
    """Make directory ``new`` appear at ``path``, the old one (if any) disappearing."""
    if not path.exists() and not path.is_symlink():
        os.rename(new, path)  # atomic: the path appears complete
        _fsync_dir(path.parent)
        return
    if _exchange(new, path):  # one atomic step: path holds the new, new the old
        _fsync_dir(path.parent)
        shutil.rmtree(new)
        return
    old = path.with_name(f".{path.name}.old-{os.getpid()}-{secrets.token_hex(4)}")
    os.rename(path, old)  # killed after this: _recover puts ``old`` back
    try:
        os.rename(new, path)
    except BaseException:
        os.rename(old, path)
        raise
    _fsync_dir(path.parent)
    shutil.rmtree(old)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``).

    False when the platform or file system cannot; other failures raise OSError.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p] * 2 + [ctypes.c_uint]
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
        err = ctypes.get_errno()
        if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
            return False
        raise OSError(err, os.strerror(err), str(b))
    return True


def _fsync_dir(d: Path) -> None:
    """Flush a directory's entries (renames) to disk where the platform allows it."""
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
