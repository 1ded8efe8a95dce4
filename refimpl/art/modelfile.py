"""Weights on disk and the hash that names them.

Introduced in lesson 10. A weights file is a ``.npz`` (numpy's zip of ``.npy``
arrays) written *deterministically*: entries sorted by name, stored uncompressed (no
zlib version in the bytes) and dated 1980-01-01, so the same weights always give the
same file. The weights' identity, :func:`weights_sha256`, hashes the arrays
themselves (names, dtypes, shapes, little-endian bytes) and so does not depend on the
container at all.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import numpy as np

from refimpl.art.errors import ArtError

__all__ = ["read_weights", "weights_sha256", "write_weights"]

_DATE = (1980, 1, 1, 0, 0, 0)


def weights_sha256(arrays: dict[str, np.ndarray]) -> str:
    """Hex SHA-256 over the arrays in name order.

    For each array: ``name\\n``, the little-endian dtype (e.g. ``<f4``) ``\\n``, the
    shape as comma-separated ints ``\\n``, then its bytes (C order, little-endian).
    """
    if not isinstance(arrays, dict) or not all(isinstance(k, str) for k in arrays):
        raise ArtError("weights are a dict of array names (str) to arrays")
    h = hashlib.sha256()
    for name in sorted(arrays):
        arr = np.ascontiguousarray(arrays[name])
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        shape = ",".join(str(d) for d in arr.shape)
        h.update(f"{name}\n{arr.dtype.str}\n{shape}\n".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def write_weights(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    """Write ``arrays`` to ``path`` as a deterministic, uncompressed ``.npz``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            data = io.BytesIO()
            np.lib.format.write_array(data, np.ascontiguousarray(arrays[name]))
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.external_attr = 0o644 << 16
            zf.writestr(info, data.getvalue())
    Path(path).write_bytes(buffer.getvalue())


def read_weights(path: str | Path) -> dict[str, np.ndarray]:
    """Read a weights file; a missing or damaged file is an :class:`ArtError`."""
    if not isinstance(path, str | Path):
        raise ArtError(f"a weights path is a str or Path, got {type(path).__name__}")
    try:
        with np.load(Path(path), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ArtError(f"cannot read weights file {str(path)!r}: {error}") from None
