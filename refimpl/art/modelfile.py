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
import math
import re
import zipfile
from pathlib import Path

import numpy as np

from refimpl.art.errors import ArtError

__all__ = ["read_weights", "weights_sha256", "write_weights"]

_DATE = (1980, 1, 1, 0, 0, 0)
MAX_WEIGHTS_BYTES = 2**26  # 64 MiB: the shipped file is 143 KiB
MAX_ARRAYS = 256
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


def _check_arrays(arrays: object) -> dict[str, np.ndarray]:
    """Weights are a dict of names (letters, digits, ``_ . -``) to numeric arrays."""
    if not isinstance(arrays, dict) or not all(isinstance(k, str) for k in arrays):
        raise ArtError("weights are a dict of array names (str) to arrays")
    if len(arrays) > MAX_ARRAYS:
        raise ArtError(f"weights hold at most {MAX_ARRAYS} arrays, got {len(arrays)}")
    for name, value in arrays.items():
        if not _NAME.fullmatch(name):
            raise ArtError(
                f"an array name is 1-128 letters, digits, '_', '.', '-', got {name!r}"
            )
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "biuf":
            kind = value.dtype if isinstance(value, np.ndarray) else type(value)
            raise ArtError(f"weights {name!r} must be a numeric numpy array: {kind}")
    return arrays


def weights_sha256(arrays: dict[str, np.ndarray]) -> str:
    """Hex SHA-256 over the arrays in name order.

    For each array: ``name\\n``, the little-endian dtype (e.g. ``<f4``) ``\\n``, the
    shape as comma-separated ints ``\\n``, then its bytes (C order, little-endian).
    Names are letters, digits, ``_``, ``.`` and ``-``; arrays are numeric numpy arrays.
    """
    _check_arrays(arrays)
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
    if not isinstance(path, str | Path):
        raise ArtError(f"a weights path is a str or Path, got {type(path).__name__}")
    _check_arrays(arrays)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        for name in sorted(arrays):
            data = io.BytesIO()
            np.lib.format.write_array(data, np.ascontiguousarray(arrays[name]))
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_DATE)
            info.external_attr = 0o644 << 16
            zf.writestr(info, data.getvalue())
    try:
        Path(path).write_bytes(buffer.getvalue())
    except (OSError, ValueError) as error:  # a missing folder, a NUL in the path
        raise ArtError(f"cannot write weights file {str(path)!r}: {error}") from None


def read_weights(path: str | Path) -> dict[str, np.ndarray]:
    """Read a weights file; a missing, damaged or oversized file is an ArtError.

    Every array's header is checked against the bytes that follow it before anything
    is allocated, so a file of a few bytes cannot ask for gigabytes.
    """
    if not isinstance(path, str | Path):
        raise ArtError(f"a weights path is a str or Path, got {type(path).__name__}")
    try:
        if not Path(path).is_file():  # a folder, a FIFO or a device is not read
            raise ArtError("no such file")
        with open(path, "rb") as file:
            data = file.read(MAX_WEIGHTS_BYTES + 1)
        if len(data) > MAX_WEIGHTS_BYTES:
            raise ArtError(f"larger than {MAX_WEIGHTS_BYTES} bytes")
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARRAYS:
                raise ArtError(f"more than {MAX_ARRAYS} arrays")
            if sum(info.file_size for info in infos) > MAX_WEIGHTS_BYTES:
                raise ArtError(f"its arrays hold more than {MAX_WEIGHTS_BYTES} bytes")
            arrays = {}
            for info in infos:
                if not info.filename.endswith(".npy"):
                    raise ArtError(f"entry {info.filename!r} is not a .npy array")
                name = info.filename[: -len(".npy")]
                arrays[name] = _npy_array(zf.read(info))
        return _check_arrays(arrays)
    except (ArtError, OSError, ValueError, zipfile.BadZipFile, EOFError) as error:
        raise ArtError(f"cannot read weights file {str(path)!r}: {error}") from None


def _npy_array(raw: bytes) -> np.ndarray:
    """One ``.npy`` array (format 1.0 or 2.0, no objects) whose size fits its bytes."""
    f = io.BytesIO(raw)
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    elif version == (2, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    else:
        raise ArtError(f"unsupported .npy format version {version}")
    if dtype.hasobject:
        raise ArtError("an array holds Python objects")
    count = math.prod(shape)
    if count * dtype.itemsize != len(raw) - f.tell():
        raise ArtError(f"an array of shape {shape} does not match its data size")
    flat = np.frombuffer(raw, dtype=dtype, count=count, offset=f.tell())
    return flat.reshape(shape, order="F" if fortran else "C").copy(order="K")
