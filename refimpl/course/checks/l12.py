"""Checks for lesson 12 (the minting pipeline)."""

from __future__ import annotations

import base64
import hashlib

from refimpl.course import Check, FunctionCheck, Wrong
from refimpl.course.feedback import (
    call_learner,
    describe_mismatch,
    reject_stub,
    short_repr,
)

__all__ = [
    "token_points_at",
    "split_sale",
    "manifest_entry",
    "first_bad_file",
    "verify_artwork",
]


def _cid(data: bytes) -> str:
    raw = b"\x01\x55\x12\x20" + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


# -- 12.1 ---------------------------------------------------------------------------
_MD_A = (
    b'{"image":"ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}'
)
_MD_B = b'{"name":"Sunset #7","seed":7}'


def _points_at(token_uri: str, metadata: bytes) -> bool:
    return token_uri == "ipfs://" + _cid(metadata)


token_points_at = FunctionCheck(
    "12.1 token_points_at",
    reference=_points_at,
    cases=lambda: [
        ("ipfs://" + _cid(_MD_A), _MD_A),
        ("ipfs://" + _cid(_MD_B), _MD_A),
        ("ipfs://" + _cid(_MD_B), _MD_B),
        ("ipfs://" + _cid(_MD_B), _MD_B + b" "),  # one extra byte
        (_cid(_MD_A), _MD_A),  # no ipfs:// scheme
        ("https://example.com/" + _cid(_MD_A), _MD_A),
    ],
    hints=[
        "The token's URI must be exactly 'ipfs://' followed by the CID of the bytes.",
        "Compute cid_v1(metadata) and compare the whole string, scheme included.",
        "return token_uri == 'ipfs://' + cid_v1(metadata)",
    ],
    solution=(
        "def token_points_at(token_uri, metadata):\n"
        "    return token_uri == 'ipfs://' + cid_v1(metadata)"
    ),
    wrong=[
        lambda uri, md: uri.endswith(_cid(md)),
        lambda uri, md: True,
        lambda uri, md: uri == "ipfs://" + hashlib.sha256(md).hexdigest(),
    ],
)


# -- 12.2 ---------------------------------------------------------------------------
def _split(price: int, bps: int) -> tuple[int, int]:
    royalty = price * bps // 10_000
    return royalty, price - royalty


split_sale = FunctionCheck(
    "12.2 split_sale",
    reference=_split,
    cases=[
        (3000, 500),
        (999, 1000),
        (1, 5000),
        (12345, 0),
        (7777, 10000),
        (10**15 + 1, 333),
        (2**60 + 1, 333),  # beyond float precision
    ],
    hints=[
        "The royalty is computed first (rounded down); the seller gets what is left.",
        "Nothing may be created or lost: royalty + seller_share == price.",
        "royalty = price * bps // 10000; return royalty, price - royalty",
    ],
    solution=(
        "def split_sale(price, bps):\n"
        "    royalty = price * bps // 10000\n"
        "    return royalty, price - royalty"
    ),
    wrong=[
        lambda p, b: (int(p * b / 10_000), p - int(p * b / 10_000)),  # floats
        lambda p, b: (p * b // 10_000, p),
        lambda p, b: (-(-p * b // 10_000), p - -(-p * b // 10_000)),
        lambda p, b: (p * b // 10_000, p - p * b // 10_000 - 1),
    ],
)


# -- 12.3 ---------------------------------------------------------------------------
def _entry(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


_ENTRY_CASES = [(b"",), (b"\x89PNG\r\n\x1a\n" + bytes(40),), (b'{"name":"x"}',)]


def _test_entry(answer: object) -> None:
    if not callable(answer):
        raise Wrong("expected a function manifest_entry(data)")
    for i, args in enumerate(_ENTRY_CASES):
        call = f"manifest_entry({short_repr(args[0], 40)})"
        got = call_learner(answer, args, call)
        reject_stub(got, call, first=i == 0)
        want = _entry(*args)
        if not isinstance(got, dict):
            raise Wrong(f"{call} {describe_mismatch(got, want)}")
        if set(got) != set(want):
            raise Wrong(
                f"{call} returned a dict with the keys {sorted(map(str, got))}; "
                "the keys should be 'sha256' and 'size'"
            )
        for key in ("sha256", "size"):
            if type(got[key]) is not type(want[key]) or got[key] != want[key]:
                why = describe_mismatch(got[key], want[key], "is")
                raise Wrong(f"{call} returned a dict whose {key!r} {why}")


manifest_entry = Check(
    "12.3 manifest_entry",
    test=_test_entry,
    right=[_entry],
    hints=[
        "A manifest entry records what the file must be: its hash and its length.",
        "Use hashlib.sha256(data).hexdigest() (hex text, not raw bytes) and len(data).",
        "return {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}",
    ],
    solution=(
        "def manifest_entry(data):\n"
        "    return {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}"
    ),
    wrong=[
        lambda d: {"sha256": hashlib.sha256(d).digest(), "size": len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest()},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest(), "size": 8 * len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest().upper(), "size": len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest(), "size": str(len(d))},
        lambda d: (hashlib.sha256(d).hexdigest(), len(d)),
    ],
)


# -- 12.4 ---------------------------------------------------------------------------
def _first_bad(files: dict, manifest: dict) -> str:
    for name in sorted(manifest):
        data = files.get(name)
        if data is None or _entry(data) != manifest[name]:
            return name
    return "ok"


def _bad_cases() -> list[tuple]:
    png, md, other = b"\x89PNG" + bytes(20), b'{"seed":7}', b'{"seed":8}'
    man = {"images/a.png": _entry(png), "metadata/0.json": _entry(md)}
    rev = dict(reversed(man.items()))
    return [
        ({"images/a.png": png, "metadata/0.json": md}, man),
        ({"images/a.png": png[:-4], "metadata/0.json": md}, man),  # truncated
        ({"images/a.png": png, "metadata/0.json": other}, man),  # same size, tampered
        ({"images/a.png": png}, man),  # missing
        ({"images/a.png": png[:-1], "metadata/0.json": other}, man),  # two bad
        # two bad, the manifest not written in sorted order: sorted order decides
        ({"images/a.png": png[:-1], "metadata/0.json": other}, rev),
        # a missing file sorts before a tampered one
        ({"metadata/0.json": other}, man),
        # a file the manifest does not list is not a damaged file
        ({"images/a.png": png, "metadata/0.json": md, "notes.txt": b"hi"}, man),
    ]


def _test_first_bad(answer: object) -> None:
    if not callable(answer):
        raise Wrong("expected a function first_bad_file(files, manifest)")
    labels = [
        "an intact collection",
        "a truncated image",
        "a tampered metadata file",
        "a missing file",
        "two bad files",
        "two bad files listed out of sorted order",
        "a missing file and a tampered one",
        "an intact collection with one extra file",
    ]
    for i, (args, label) in enumerate(zip(_bad_cases(), labels, strict=True)):
        call = f"first_bad_file(...) on {label}"
        got = call_learner(answer, args, call)
        reject_stub(got, call, first=i == 0)
        if got != _first_bad(*args):
            raise Wrong(f"on {label} your function names the wrong file (or 'ok')")


first_bad_file = Check(
    "12.4 first_bad_file",
    test=_test_first_bad,
    right=[_first_bad],
    wrong=[
        lambda files, man: "ok",
        lambda files, man: next(
            (
                n
                for n in sorted(man)
                if n not in files or len(files[n]) != man[n]["size"]
            ),
            "ok",
        ),  # checks sizes only: misses a same-size tampering
        lambda files, man: next(
            (
                n
                for n in sorted(files)
                if hashlib.sha256(files[n]).hexdigest() != man[n]["sha256"]
            ),
            "ok",
        ),  # never notices a missing file
        lambda files, man: next(
            (n for n in man if n not in files or _entry(files[n]) != man[n]), "ok"
        ),  # the manifest's own order, not sorted order
        lambda files, man: next(
            (n for n in sorted(files) if n in man and _entry(files[n]) != man[n]),
            next((n for n in sorted(man) if n not in files), "ok"),
        ),  # looks at the files first, the missing ones last
    ],
    hints=[
        "Go through the manifest's names in sorted order; a file is bad if it is "
        "missing, or its size or sha256 differs from the manifest.",
        "manifest_entry(files[name]) != manifest[name] covers size and hash at once.",
        "for name in sorted(manifest): if name not in files or manifest_entry("
        "files[name]) != manifest[name]: return name; then return 'ok'",
    ],
    solution=(
        "def first_bad_file(files, manifest):\n"
        "    for name in sorted(manifest):\n"
        "        if name not in files:\n"
        "            return name\n"
        "        if manifest_entry(files[name]) != manifest[name]:\n"
        "            return name\n"
        "    return 'ok'"
    ),
)


# -- 12.5 ---------------------------------------------------------------------------
def _pixel_hash(seed: int, style: str, size: int) -> str:
    from refimpl.art import pixel_sha256, render

    return pixel_sha256(render(seed, style, size))


def _verify(seed: int, style: str, size: int, pixel_sha256_hex: str) -> bool:
    return _pixel_hash(seed, style, size) == pixel_sha256_hex


def _verify_cases() -> list[tuple]:
    h = _pixel_hash(7, "sunset", 16)
    g = _pixel_hash(3, "ink", 16)
    return [
        (7, "sunset", 16, h),
        (8, "sunset", 16, h),  # another seed
        (7, "ocean", 16, h),  # another style
        (3, "ink", 16, g),
        (3, "ink", 17, g),  # another size
    ]


verify_artwork = FunctionCheck(
    "12.5 verify_artwork",
    reference=_verify,
    cases=_verify_cases,
    hints=[
        "Anyone can check an artwork: render it again from (seed, style, size) and "
        "compare the pixels' hash with the recorded one.",
        "refimpl.art.render(seed, style, size) gives the uint8 pixels; "
        "refimpl.art.pixel_sha256(pixels) their hex SHA-256.",
        "return pixel_sha256(render(seed, style, size)) == pixel_sha256_hex",
    ],
    solution=(
        "def verify_artwork(seed, style, size, pixel_sha256_hex):\n"
        "    return pixel_sha256(render(seed, style, size)) == pixel_sha256_hex"
    ),
    wrong=[
        lambda seed, style, size, h: True,
        lambda seed, style, size, h: _pixel_hash(seed, style, 16) == h,
        lambda seed, style, size, h: _pixel_hash(seed, "sunset", size) == h,
    ],
)
