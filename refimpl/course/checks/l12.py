"""Checks for lesson 12 (the minting pipeline).

One source of truth: 12.1 names files by ``refimpl.nft.cid_v1``, 12.2 sums
``refimpl.nft.royalty_amount``, 12.5 uses ``refimpl.art`` (``render``, ``from_png``,
``pixel_sha256``); ``tests/test_checks_refs.py`` holds 12.3's entry equal to the
manifest ``refimpl.nft.collection.save_collection`` writes.
"""

from __future__ import annotations

import base64
import hashlib
import io
import struct
from typing import Any

import numpy as np

from refimpl.course import Check, Wrong
from refimpl.course.checks._calls import answers
from refimpl.course.checks._pure import PureFunctionCheck
from refimpl.course.feedback import (
    describe_mismatch,
    short_repr,
)

__all__ = [
    "which_metadata",
    "artist_income",
    "manifest_entry",
    "first_bad_file",
    "broken_links",
]


def _cid(data: bytes) -> str:
    raw = b"\x01\x55\x12\x20" + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


# -- 12.1 ---------------------------------------------------------------------------
_MD_A = (
    b'{"image":"ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"}'
)
_MD_B = b'{"name":"Sunset #7","seed":7}'
_MD_C = b'{"name":"Sunset #7","seed":7} '  # one byte more


def _which_case_blind(token_uri: str, files: dict) -> str | None:
    """Sorts the names ignoring case: 'a' before 'Z', where sorted() puts 'Z' first."""
    for name in sorted(files, key=str.lower):
        if token_uri == "ipfs://" + _cid(files[name]):
            return name
    return None


def _which(token_uri: str, files: dict) -> str | None:
    from refimpl.nft import cid_v1

    for name in sorted(files):
        if token_uri == "ipfs://" + cid_v1(files[name]):
            return name
    return None


def _which_cases() -> list[tuple]:
    def folder(k: int, **named: bytes) -> dict:
        # names differ from case to case, so no message can name another case's file
        return {f"{k}{name}.json": data for name, data in named.items()}

    def three(k: int) -> dict:
        return folder(k, b=_MD_B, a=_MD_A, c=_MD_C)

    return [
        ("ipfs://" + _cid(_MD_B), three(1)),
        ("ipfs://" + _cid(_MD_C), three(2)),
        ("ipfs://" + _cid(_MD_A), three(3)),
        ("ipfs://" + _cid(b"missing"), three(4)),
        (_cid(_MD_A), three(5)),  # no ipfs:// scheme
        ("ipfs://ipfs/" + _cid(_MD_A), three(6)),
        ("https://example.com/" + _cid(_MD_A), three(7)),
        ("ipfs://" + _cid(_MD_B), folder(8, y=_MD_B, x=_MD_B, z=_MD_A)),  # twins
        ("ipfs://" + _cid(_MD_B).upper(), three(9)),
        ("ipfs://" + _cid(_MD_A), {}),
        ("ipfs://" + _cid(_MD_A)[:-1], three(10)),  # one character short
        ("ipfs://" + _cid(_MD_A) + "a", three(11)),  # one character more
        ("http://" + _cid(_MD_A), three(12)),  # another scheme
        ("IPFS://" + _cid(_MD_A), three(13)),  # the scheme is lower case
        (" ipfs://" + _cid(_MD_A) + "\n", three(14)),  # spaces are not stripped
        # twins whose sorted order puts the capital first ('Z' < 'a')
        ("ipfs://" + _cid(_MD_C), {"15a.json": _MD_C, "15Z.json": _MD_C}),
        # an empty file has a CID too
        ("ipfs://" + _cid(b""), {"16a.json": _MD_A, "16e.json": b""}),
        # twins of different lengths: "1..." sorts before "9..." as text
        ("ipfs://" + _cid(_MD_B), {"179.json": _MD_B, "1710.json": _MD_B}),
        # twins inserted in sorted order: the first name, not the last one seen
        ("ipfs://" + _cid(_MD_A), {"18a.json": _MD_A, "18b.json": _MD_A}),
        # only "ipfs://" + the CID, exactly
        ("ipfs://" + _cid(_MD_A) + "/", three(19)),
        ("http://ipfs://" + _cid(_MD_A), three(20)),
        ("xipfs:/" + _cid(_MD_A), three(21)),
    ]


def _show_which(args: tuple) -> str:
    """The URI and the whole folder, in its own order, as Python that rebuilds it
    (the names in double quotes, each file's bytes as a bytes literal)."""
    uri, files = args
    folder = ", ".join(f'"{name}": {data!r}' for name, data in files.items())
    return f"{uri!r}, {{{folder}}}"


def _which_in_dict_order(uri, files):
    return next((n for n in files if uri == "ipfs://" + _cid(files[n])), None)


def _which_by_suffix(uri, files):
    return next((n for n in sorted(files) if uri.endswith(_cid(files[n]))), None)


def _which_by_prefix(uri, files):  # compares the first 20 characters only
    return next(
        (n for n in sorted(files) if ("ipfs://" + _cid(files[n])).startswith(uri[:20])),
        None,
    )


def _which_any_scheme(uri, files):  # whatever comes before '//' is ignored
    return next(
        (n for n in sorted(files) if _cid(files[n]) == uri.split("//")[-1]), None
    )


def _which_skips_seven(uri, files):  # drops 7 characters without reading them
    return next((n for n in sorted(files) if _cid(files[n]) == uri[7:]), None)


def _which_pops(uri, files):
    name = _which(uri, files)
    if name is not None:
        files.pop(name)
    return name


which_metadata = PureFunctionCheck(
    "12.1 which_metadata",
    reference=_which,
    cases=_which_cases,
    show=_show_which,
    hints=[
        "A token's URI must be exactly 'ipfs://' followed by the CID of the bytes.",
        "Go through the names in sorted order and compare the whole string, scheme "
        "included: token_uri == 'ipfs://' + cid_v1(files[name]).",
        "for name in sorted(files): if it matches, return name; after the loop "
        "return None.",
    ],
    wrong=[
        _which_in_dict_order,
        _which_by_suffix,
        _which_pops,
        lambda uri, files: next(
            (n for n in sorted(files) if uri.lower() == "ipfs://" + _cid(files[n])),
            None,
        ),
        lambda uri, files: next(
            (files[n] for n in sorted(files) if uri == "ipfs://" + _cid(files[n])),
            None,
        ),  # the bytes, not the name
        lambda uri, files: next(
            (n for n in sorted(files) if uri == "ipfs://" + _cid(files[n])), ""
        ),  # "" instead of None
        lambda uri, files: _which(uri, files) or sorted(files)[0] if files else None,
        _which_by_prefix,
        lambda uri, files: next(  # an empty file skipped
            (
                n
                for n in sorted(files)
                if files[n] and uri == "ipfs://" + _cid(files[n])
            ),
            None,
        ),
        lambda uri, files: {  # a reverse map: the last twin wins
            "ipfs://" + _cid(data): name for name, data in files.items()
        }.get(uri),
        lambda uri, files: min(  # shortest name first, then sorted
            (n for n in files if uri == "ipfs://" + _cid(files[n])),
            key=lambda n: (len(n), n),
            default=None,
        ),
        _which_case_blind,  # sorted(files, key=str.lower): not sorted order
        _which_any_scheme,
        _which_skips_seven,
        lambda uri, files: next(
            (n for n in sorted(files) if uri.strip() == "ipfs://" + _cid(files[n])),
            None,
        ),  # strips spaces off the URI
    ],
)


# -- 12.2 ---------------------------------------------------------------------------
def _income(prices: list[int], bps: int) -> int:
    from refimpl.nft import royalty_amount

    return sum(royalty_amount(p, bps) for p in prices)


def _is_int(value: object) -> bool:
    """A Python int or a numpy integer scalar (the course's type policy), no bool."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_int_equal(got: object, expected: int) -> bool:
    return _is_int(got) and got == expected


def _income_floats_below_2_50(prices: list[int], bps: int) -> int:
    if max(prices, default=0) < 2**50:  # "floats are exact up to 2**53"
        return sum(int(p * bps / 10_000) for p in prices)
    return sum(p * bps // 10_000 for p in prices)


class _IncomeCheck(PureFunctionCheck):
    """Says, for None on the empty list, that the text asks for a total there too
    (the answer did return: the stub message's "forget a return" would mislead)."""

    def _run(self, answer: Any) -> None:
        try:
            super()._run(answer)
        except Wrong as err:
            text = str(err)
            stub = "did you forget a `return`?"
            if text.startswith("artist_income([],") and text.endswith(stub):
                raise Wrong(
                    text.removesuffix(stub) + "the text asks for the total royalty, "
                    "an int, for every list of prices: the empty list (no sales) too"
                ) from None
            raise


def _income_decimal(prices: list[int], bps: int) -> int:
    """Wrong: Decimal arithmetic, exact only to 28 significant digits."""
    from decimal import Decimal

    return sum(int(Decimal(p) * bps / 10_000) for p in prices)


artist_income = _IncomeCheck(
    "12.2 artist_income",
    reference=_income,
    cases=lambda: [
        ([4000, 6000], 500),
        ([999, 999, 999], 1000),  # 99.9 three times
        ([1] * 50, 9999),
        ([], 500),
        ([12345], 0),
        ([7777, 1], 10_000),
        ([10**15 + 1, 2**60 + 1], 333),  # beyond float precision
        # 10**13 + 1 (below 2**50): p * 9999 is 1 under a multiple of 10000, and
        # p * 9999 / 10000 as a float rounds up to the next integer
        ([10**13 + 1], 9999),
        ([19, 19, 19, 19, 19], 500),
        # 30 digits, beyond Decimal's 28: its royalty comes out one too high
        ([123456789012345678901234567891], 333),
    ],
    compare=_is_int_equal,
    hints=[
        "One royalty per sale, each rounded down on its own, then add them up.",
        "Integers only: price * bps // 10000 for each price; floats lose base units "
        "on large prices.",
        "return sum(price * bps // 10000 for price in prices)",
    ],
    wrong=[
        lambda ps, b: sum(ps) * b // 10_000,  # rounded once
        lambda ps, b: sum(int(p * b / 10_000) for p in ps),  # floats
        lambda ps, b: sum(round(p * b / 10_000) for p in ps),
        lambda ps, b: sum(-(-p * b // 10_000) for p in ps),  # rounded up
        lambda ps, b: sum(p * b // 10_000 for p in ps[1:]),  # first sale left out
        lambda ps, b: float(sum(p * b // 10_000 for p in ps)),
        lambda ps, b: sum(p * b / 10_000 for p in ps) // 1,
        lambda ps, b: [p * b // 10_000 for p in ps],
        _income_floats_below_2_50,
        lambda ps, b: sum(p * b // 10_000 for p in ps) if ps else None,  # no sales
        _income_decimal,
    ],
)
# numpy integer scalars are ints in this course: a right sum in np.int64 passes
artist_income.right.append(
    lambda ps, b: (lambda t: np.int64(t) if abs(t) < 2**63 else t)(
        sum(p * b // 10_000 for p in ps)
    )
)


# -- 12.3 ---------------------------------------------------------------------------
def _entry(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


_ENTRY_CASES = [
    (b"",),
    (b"\x89PNG\r\n\x1a\n" + bytes(40),),
    (b'{"name":"x"}',),
    (b"x",),  # one byte: a size of True equals 1 but is a bool
    (b"{}\n",),  # a JSON file ends in a newline, and it is part of the file
    (b" x ",),
    ('{"name":"Ω"}'.encode(),),  # UTF-8: 13 bytes for 12 characters
]
# each input as code that rebuilds it, whole (48 bytes of repr would be a wall)
_ENTRY_SHOWN = [
    "b''",
    "b'\\x89PNG\\r\\n\\x1a\\n' + bytes(40)",
    """b'{"name":"x"}'""",
    "b'x'",
    "b'{}\\n'",
    "b' x '",
    """'{"name":"Ω"}'.encode()""",
]


def _test_entry(answer: object) -> None:
    calls = [
        (args, f"manifest_entry({shown})")
        for args, shown in zip(_ENTRY_CASES, _ENTRY_SHOWN, strict=True)
    ]
    for args, call, got in answers(answer, "manifest_entry(data)", calls):
        want = _entry(*args)
        if not isinstance(got, dict):
            raise Wrong(f"{call} {describe_mismatch(got, want)}")
        if set(got) != set(want):
            raise Wrong(
                f"{call} returned a dict with the keys {sorted(map(str, got))}; "
                "the keys should be 'sha256' and 'size'"
            )
        sha, size = got["sha256"], got["size"]
        if type(sha) is str and sha != want["sha256"] and sha.lower() == want["sha256"]:
            raise Wrong(
                f"{call} returned a dict whose 'sha256' is in upper case; write the "
                "hex digits in lower case, as hexdigest() gives them"
            )
        if type(sha) is not str or sha != want["sha256"]:
            why = describe_mismatch(sha, want["sha256"], "is")
            raise Wrong(f"{call} returned a dict whose 'sha256' {why}")
        if isinstance(size, bool | np.bool_):
            raise Wrong(
                f"{call} returned a dict whose 'size' is a bool "
                f"({size!r}); the size is an int, the number of bytes"
            )
        if not _is_int(size) or size != want["size"]:
            why = describe_mismatch(size, want["size"], "is")
            raise Wrong(f"{call} returned a dict whose 'size' {why}")


manifest_entry = Check(
    "12.3 manifest_entry",
    test=_test_entry,
    right=[
        _entry,
        lambda d: {
            "sha256": hashlib.sha256(d).hexdigest(),
            "size": np.int64(len(d)),
        },  # numpy integers are ints here
    ],
    hints=[
        "A manifest entry records what the file must be: its hash and its length.",
        "Use hashlib.sha256(data).hexdigest() (hex text, not raw bytes) and len(data).",
        "return {'sha256': hashlib.sha256(data).hexdigest(), 'size': len(data)}",
    ],
    wrong=[
        lambda d: {"sha256": hashlib.sha256(d).digest(), "size": len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest()},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest(), "size": 8 * len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest().upper(), "size": len(d)},
        lambda d: {"sha256": hashlib.sha256(d).hexdigest(), "size": str(len(d))},
        lambda d: (hashlib.sha256(d).hexdigest(), len(d)),
        lambda d: {"sha256": hashlib.sha1(d).hexdigest(), "size": len(d)},
        lambda d: {
            "sha256": hashlib.sha256(hashlib.sha256(d).digest()).hexdigest(),
            "size": len(d),
        },
        lambda d: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d) or None},
        lambda d: {
            "sha256": hashlib.sha256(d).hexdigest(),
            "size": True if len(d) == 1 else len(d),
        },  # a bool for one byte
        lambda d: {"sha256": hashlib.sha256(d.strip()).hexdigest(), "size": len(d)},
        lambda d: {  # characters, not bytes
            "sha256": hashlib.sha256(d).hexdigest(),
            "size": len(d.decode("utf-8", "replace")),
        },
        lambda d: (
            {"sha256": hashlib.sha256(d.strip()).hexdigest(), "size": len(d)}
            if d.strip()
            else _entry(d)
        ),  # stripped only when something is left
    ],
)


# -- 12.4 ---------------------------------------------------------------------------
def _first_bad(files: dict, manifest: dict) -> str:
    for name in sorted(manifest):
        data = files.get(name)
        if data is None or _entry(data) != manifest[name]:
            return name
    return "ok"


def _first_bad_pops(files: dict, manifest: dict) -> str:
    for name in sorted(manifest):
        data = files.pop(name, None)  # empties the caller's dict
        if data is None or _entry(data) != manifest[name]:
            return name
    return "ok"


def _first_bad_missing_as_empty(files: dict, manifest: dict) -> str:
    for name in sorted(manifest):
        data = files.get(name, b"")  # a missing file reads as an empty one
        entry = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
        if entry != manifest[name]:
            return name
    return "ok"


def _last_digit_off(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return digest[:-1] + "0123456789abcdef"[int(digest[-1], 16) ^ 1]


def _first_bad_missing_first(files: dict, manifest: dict) -> str:
    """Wrong: every missing file reported before any tampered one."""
    missing = [n for n in sorted(manifest) if n not in files]
    if missing:
        return missing[0]
    return next((n for n in sorted(manifest) if _entry(files[n]) != manifest[n]), "ok")


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
        # an empty file is a file, when the manifest says it is empty
        (
            {"empty.txt": b"", "images/a.png": png},
            {"empty.txt": _entry(b""), "images/a.png": _entry(png)},
        ),
        # ... and a missing file is missing, even when the manifest says it is empty
        ({}, {"empty.txt": _entry(b"")}),
        (
            {"images/a.png": png},
            {"empty.txt": _entry(b""), "images/a.png": _entry(png)},
        ),
        # names sort as strings: "images/b" after "images/a", "Z" before "a"
        (
            {"images/a.png": png, "images/b.png": md[:-1], "Z.json": other},
            {
                "images/b.png": _entry(md),
                "Z.json": _entry(md),
                "images/a.png": _entry(png),
            },
        ),
        # the manifest's hash differs from the file's only in its last hex digit
        (
            {"images/a.png": png, "metadata/0.json": md},
            {
                "images/a.png": _entry(png),
                "metadata/0.json": {**_entry(md), "sha256": _last_digit_off(md)},
            },
        ),
        # a tampered file that sorts before a missing one
        ({"a.json": b"x"}, {"a.json": _entry(b"y"), "b.json": _entry(b"z")}),
        # a manifest hash cut short is not the file's hash (a prefix is not equal)
        (
            {"a.json": b"x"},
            {"a.json": {**_entry(b"x"), "sha256": _entry(b"x")["sha256"][:63]}},
        ),
        # a file where the manifest records an empty one
        ({"e.json": b"x"}, {"e.json": _entry(b"")}),
        # a JSON file ends in a newline, and the newline is part of it: intact ...
        ({"a.json": b'{"seed":7}\n'}, {"a.json": _entry(b'{"seed":7}\n')}),
        # ... and a newline added to a file is a change
        ({"a.json": b'{"seed":7}\n'}, {"a.json": _entry(b'{"seed":7}')}),
        # the right hash, but the manifest records another size
        (
            {"images/a.png": png, "metadata/0.json": md},
            {
                "images/a.png": _entry(png),
                "metadata/0.json": {**_entry(md), "size": len(md) + 1},
            },
        ),
    ]


def _show_bad(files: dict, manifest: dict) -> str:
    """Both dictionaries in full (the files as bytes, the manifest as written)."""
    return f"files={files!r}, manifest={manifest!r}"


def _test_first_bad(answer: object) -> None:
    labels = [
        "an intact collection",
        "a truncated image",
        "a tampered metadata file",
        "a missing file",
        "two bad files",
        "two bad files listed out of sorted order",
        "a missing file and a tampered one",
        "an intact collection with one extra file",
        "an intact collection with an empty file",
        "no files, and a manifest listing one empty file",
        "a collection whose empty file is missing",
        "two bad files whose names sort with capitals first",
        "a manifest whose hash is off in its last digit",
        "a tampered file sorting before a missing one",
        "a manifest hash of 63 hex digits",
        "a file where the manifest records an empty one",
        "an intact file that ends in a newline",
        "a file that gained a newline",
        "a file whose size is not the manifest's",
    ]
    calls = [
        (args, f"first_bad_file(...) on {label}")
        for args, label in zip(_bad_cases(), labels, strict=True)
    ]
    for args, call, got in answers(answer, "first_bad_file(files, manifest)", calls):
        if got != _first_bad(*args):
            raise Wrong(
                f"{call} returned {short_repr(got)}, which is not right; "
                f"the input was {_show_bad(*args)}"
            )


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
        lambda files, man: next(
            (n for n in sorted(man) if not files.get(n) or _entry(files[n]) != man[n]),
            "ok",
        ),  # an empty file counts as missing
        _first_bad_pops,
        _first_bad_missing_as_empty,
        lambda files, man: next(
            (
                n
                for n in sorted(man)
                if n not in files
                or hashlib.sha256(files[n]).hexdigest() != man[n]["sha256"]
            ),
            "ok",
        ),  # compares the hash only: misses a wrong recorded size
        lambda files, man: next(
            (
                n
                for n in sorted(man, key=str.lower)
                if n not in files or _entry(files[n]) != man[n]
            ),
            "ok",
        ),  # case-insensitive order
        lambda files, man: next(
            (
                n
                for n in sorted(man)
                if n not in files
                or len(files[n]) != man[n]["size"]
                or hashlib.sha256(files[n]).hexdigest()[:16] != man[n]["sha256"][:16]
            ),
            "ok",
        ),  # the first 16 hex digits only, as the lesson prints them
        _first_bad_missing_first,
        lambda files, man: next(  # the bytes stripped before they are hashed
            (
                n
                for n in sorted(man)
                if n not in files or _entry(files[n].strip()) != man[n]
            ),
            "ok",
        ),
        lambda files, man: next(  # the file's hash starts with the manifest's
            (
                n
                for n in sorted(man)
                if n not in files
                or len(files[n]) != man[n]["size"]
                or not _entry(files[n])["sha256"].startswith(man[n]["sha256"])
            ),
            "ok",
        ),
        lambda files, man: next(  # an entry of size 0 never checked
            (
                n
                for n in sorted(man)
                if man[n]["size"] and (n not in files or _entry(files[n]) != man[n])
            ),
            "ok",
        ),
    ],
    hints=[
        "Go through the manifest's names in sorted order; a file is bad if it is "
        "missing, or its size or sha256 differs from the manifest.",
        "manifest_entry(files[name]) != manifest[name] covers size and hash at once.",
        "for name in sorted(manifest): if name not in files or manifest_entry("
        "files[name]) != manifest[name]: return name; then return 'ok'",
    ],
)


# -- 12.5 ---------------------------------------------------------------------------
def _pixel_hash(seed: int, style: str, size: int) -> str:
    from refimpl.art import pixel_sha256, render

    return pixel_sha256(render(seed, style, size))


def _broken(
    seed: int, style: str, size: int, pixel_sha256_hex: str, png: bytes
) -> list[str]:
    from refimpl.art import ArtError, from_png, pixel_sha256

    broken = []
    try:
        pixels = from_png(png)
    except ArtError:  # truncated, or not 8-bit RGB: it does not hold the image
        broken.append("file")
    else:
        if pixels.shape != (size, size, 3) or pixel_sha256(pixels) != pixel_sha256_hex:
            broken.append("file")
    if _pixel_hash(seed, style, size) != pixel_sha256_hex:
        broken.append("render")
    return broken


def _png_of(seed: int, style: str, size: int, shape: tuple | None = None) -> bytes:
    from refimpl.art import render, to_png

    pixels = render(seed, style, size)
    if shape is not None:
        pixels = pixels.reshape(*shape, 3)
    return to_png(pixels)


def _rgb16_png(pixels: np.ndarray) -> bytes:
    """A 16-bit RGB PNG written by hand (pillow reads it as 8-bit RGB, keeping the
    high bytes; from_png refuses it)."""
    import zlib

    height, width, _ = pixels.shape
    wide = pixels.astype(">u2") * 256 + 0x55  # the high byte is the pixel
    raw = b"".join(b"\x00" + row.tobytes() for row in wide.reshape(height, -1))

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body).to_bytes(4, "big")
        return len(body).to_bytes(4, "big") + kind + body + crc

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _pil_png(seed: int, style: str, size: int, kind: str) -> bytes:
    """The image saved by pillow as an 8-bit grey ("L") or 16-bit grey PNG."""
    import io

    from PIL import Image

    from refimpl.art import render

    pixels = render(seed, style, size)
    if kind == "RGBA":  # the same colours, fully opaque, in a fourth channel
        alpha = np.full((size, size, 1), 255, dtype=np.uint8)
        out = io.BytesIO()
        Image.fromarray(np.concatenate([pixels, alpha], axis=2)).save(out, "PNG")
        return out.getvalue()
    if kind == "16-bit RGB":  # each byte as the high byte of a 16-bit sample
        return _rgb16_png(pixels)
    image = Image.fromarray(pixels).convert("L")
    if kind == "16-bit":
        image = Image.fromarray(np.asarray(image).astype(np.uint16) * 257)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _broken_cases() -> list[tuple]:
    h7 = _pixel_hash(7, "sunset", 16)
    h3 = _pixel_hash(3, "ink", 12)
    return [
        (7, "sunset", 16, h7, _png_of(7, "sunset", 16)),  # all good
        (7, "sunset", 16, h7, _png_of(9, "sunset", 16)),  # another file
        (8, "sunset", 16, h7, _png_of(7, "sunset", 16)),  # another seed claimed
        (8, "sunset", 16, h7, _png_of(9, "sunset", 16)),  # both
        (7, "sunset", 16, h7, _png_of(7, "sunset", 16, (8, 32))),  # reshaped
        (7, "sunset", 17, h7, _png_of(7, "sunset", 16)),  # another size claimed
        (3, "ink", 12, h3, _png_of(3, "ink", 12)),
        (3, "ocean", 12, h3, _png_of(3, "ink", 12)),  # another style
        # the record's hash differs in its last hex digit only
        (
            7,
            "sunset",
            16,
            h7[:-1] + "0123456789abcdef"[int(h7[-1], 16) ^ 1],
            _png_of(7, "sunset", 16),
        ),
        # files from_png cannot decode (it raises ArtError): the file link is broken
        (7, "sunset", 16, h7, _png_of(7, "sunset", 16)[:-20]),  # truncated
        (7, "sunset", 16, h7, _pil_png(7, "sunset", 16, "grey")),  # 8-bit grey
        (8, "sunset", 16, h7, _pil_png(7, "sunset", 16, "16-bit")),  # and a seed
        (3, "ink", 12, h3, b"GIF89a"),  # not a PNG at all
        # a good PNG with bytes after its end: from_png refuses it (pillow does not)
        (7, "sunset", 16, h7, _png_of(7, "sunset", 16) + b"junk"),
        # the same pixels, not as 8-bit RGB: 16 bits a sample, or a fourth channel
        (7, "sunset", 16, h7, _pil_png(7, "sunset", 16, "16-bit RGB")),
        (7, "sunset", 16, h7, _pil_png(7, "sunset", 16, "RGBA")),
        # a record whose size matches only the file's height, or only its width
        (7, "sunset", 8, h7, _png_of(7, "sunset", 16, (8, 32))),
        (7, "sunset", 32, h7, _png_of(7, "sunset", 16, (8, 32))),
        # a file that decodes with the wrong shape AND the wrong pixels: named once
        (7, "sunset", 16, h7, _png_of(7, "sunset", 32)),
        # a record whose hash is cut short names no image: both links are broken
        (7, "sunset", 16, h7[:16], _png_of(7, "sunset", 16)),
    ]


def _png_labels() -> dict[bytes, str]:
    """The files of the cases, each with the code that builds it (``render`` and
    ``to_png`` from ``refimpl.art``; pillow's ``Image``)."""
    render = "render({}, {!r}, {})"
    labels = {}
    for seed, style, size in (
        (7, "sunset", 16),
        (9, "sunset", 16),
        (3, "ink", 12),
        (7, "sunset", 32),
    ):
        made = render.format(seed, style, size)
        labels[_png_of(seed, style, size)] = f"to_png({made})"
    made = render.format(7, "sunset", 16)
    labels[_png_of(7, "sunset", 16, (8, 32))] = f"to_png({made}.reshape(8, 32, 3))"
    labels[_png_of(7, "sunset", 16)[:-20]] = f"to_png({made})[:-20]"
    labels[_png_of(7, "sunset", 16) + b"junk"] = f"to_png({made}) + b'junk'"
    labels[_pil_png(7, "sunset", 16, "16-bit RGB")] = (
        f"a 16-bit RGB PNG whose samples are {made} * 256 + 0x55"
    )
    labels[_pil_png(7, "sunset", 16, "RGBA")] = (
        f"the PNG pillow saves of {made} with an alpha channel of 255 added"
    )
    labels[_pil_png(7, "sunset", 16, "grey")] = (
        f"the PNG pillow saves of Image.fromarray({made}).convert('L')"
    )
    labels[_pil_png(7, "sunset", 16, "16-bit")] = (
        f"the PNG pillow saves of Image.fromarray(np.asarray(Image.fromarray({made})"
        ".convert('L')).astype(np.uint16) * 257)"
    )
    return labels


def _show_broken(args: tuple) -> str:
    """The call with the record's hash whole and the file as the code that made it
    (or, for a file of no case, its PNG header)."""
    seed, style, size, digest, png = args
    file = _png_labels().get(bytes(png)) if len(png) > 16 else repr(png)
    if file is None and (png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 26):
        file = f"<{len(png)} bytes, not a PNG>"
    elif file is None:
        width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
        kind = {0: "grey", 2: "RGB"}.get(colour, f"colour type {colour}")
        file = f"<PNG {width}x{height}, {depth}-bit {kind}, {len(png)} bytes>"
    shown = f"{seed}, {style!r}, {size}, {digest!r}, {file}"
    _BROKEN_SHOWN[0] = f"broken_links({shown})"
    _BROKEN_ARGS[0] = args
    return shown


_BROKEN_SHOWN = ["broken_links(...)"]  # the call being judged, for _links_compare
_BROKEN_ARGS: list = [None]  # its arguments, for _file_trouble


def _file_trouble() -> str | None:
    """What is wrong with the judged call's file that the answer may have missed:
    it does not decode, or it decodes to another shape than the record's image."""
    from refimpl.art import ArtError, from_png

    args = _BROKEN_ARGS[0]
    if args is None:
        return None
    size, png = args[2], args[4]
    try:
        pixels = from_png(bytes(png))
    except ArtError as err:
        return f"the file does not decode (from_png says: {err})"
    except Exception:
        return None
    if pixels.shape != (size, size, 3):
        return (
            f"the file decodes to pixels of shape {pixels.shape}, and the record is "
            f"for a {size}x{size} image: shape {(size, size, 3)}"
        )
    return None


def _links_compare(got, expected) -> bool:
    """Equal lists pass. A list of link names that differs says which name is extra,
    which is missing (only when the answer names some link: never the whole
    expected list), or that the order is wrong."""
    if got == expected:
        return True
    call = _BROKEN_SHOWN[0]
    if not isinstance(got, list) or not all(isinstance(x, str) for x in got):
        return False  # the usual description
    strange = [x for x in got if x not in ("file", "render")]
    if strange:
        raise Wrong(
            f"{call} returned a list naming {strange[0]!r}, which is not a link name "
            "('file' or 'render')"
        )
    if len(set(got)) != len(got):
        raise Wrong(f"{call} returned a list naming a link twice")
    named = " and ".join(f"the {x} link" for x in got)
    extra = [x for x in got if x not in expected]
    if extra:
        raise Wrong(
            f"{call} returned a list naming {named}, but the {extra[0]} link is not "
            "broken here (it matches the record)"
        )
    missing = [x for x in expected if x not in got]
    if missing and got:
        raise Wrong(
            f"{call} returned a list naming {named} only, but the {missing[0]} link "
            "is broken here too: check both links, always"
        )
    trouble = _file_trouble() if "file" in missing else None
    if missing and trouble:
        raise Wrong(f"{call} returned [], but {trouble}")
    if missing:
        raise Wrong(f"{call} returned [], but a link is broken here: check both links")
    raise Wrong(
        f"{call} returned a list naming {named}, in that order: list the names in "
        "the order 'file', 'render'"
    )


def _broken_shape_blind(seed, style, size, digest, png):
    from refimpl.art import from_png, pixel_sha256

    broken = [] if pixel_sha256(from_png(png)) == digest else ["file"]
    return broken + ([] if _pixel_hash(seed, style, size) == digest else ["render"])


def _broken_by_pillow(*, convert: bool):
    """Wrong: the file read with pillow instead of from_png. Plain, pillow forgives
    bytes after the PNG's end; converted to RGB (with a guard for those bytes), it
    also reads RGBA and 16-bit files as 8-bit RGB."""

    def answer(seed, style, size, h, png):
        from PIL import Image

        out = []
        try:
            if convert and not png.endswith(b"IEND\xaeB`\x82"):
                raise ValueError("bytes after IEND")
            image = Image.open(io.BytesIO(png))
            image.load()
            pixels = np.asarray(image.convert("RGB") if convert else image)
            ok = pixels.shape == (size, size, 3) and pixels.dtype == np.uint8
            ok = ok and hashlib.sha256(pixels.tobytes()).hexdigest() == h
        except Exception:
            ok = False
        if not ok:
            out.append("file")
        if _pixel_hash(seed, style, size) != h:
            out.append("render")
        return out

    return answer


def _broken_counting(file_faults):
    """Wrong answers that decode with from_png but add one 'file' per fault that
    ``file_faults(pixels, size, h)`` counts (the right count is 0 or 1)."""

    def answer(seed, style, size, h, png):
        from refimpl.art import ArtError, from_png

        out = []
        try:
            out += ["file"] * file_faults(from_png(png), size, h)
        except ArtError:
            out.append("file")
        if _pixel_hash(seed, style, size) != h:
            out.append("render")
        return out

    return answer


def _hash_of(pixels) -> str:
    from refimpl.art import pixel_sha256

    return pixel_sha256(pixels)


# the file's shape compared by its height alone
_broken_height_only = _broken_counting(
    lambda p, size, h: int(p.shape[0] != size or _hash_of(p) != h)
)
# the shape and the hash each add 'file' on their own
_broken_file_twice = _broken_counting(
    lambda p, size, h: int(p.shape != (size, size, 3)) + int(_hash_of(p) != h)
)


def _broken_startswith(seed, style, size, h, png):
    """Wrong: a hash that starts with the record's counts as equal to it."""
    from refimpl.art import ArtError, from_png, pixel_sha256

    out = []
    try:
        pixels = from_png(png)
        ok = pixels.shape == (size, size, 3) and pixel_sha256(pixels).startswith(h)
    except ArtError:
        ok = False
    if not ok:
        out.append("file")
    if not _pixel_hash(seed, style, size).startswith(h):
        out.append("render")
    return out


def _broken_prefix16(seed, style, size, digest, png):
    from refimpl.art import from_png, pixel_sha256

    pixels = from_png(png)
    broken = []
    if pixels.shape != (size, size, 3) or pixel_sha256(pixels)[:16] != digest[:16]:
        broken.append("file")
    if _pixel_hash(seed, style, size)[:16] != digest[:16]:
        broken.append("render")
    return broken


def _broken_decoder_raises(seed, style, size, digest, png):
    from refimpl.art import from_png, pixel_sha256

    pixels = from_png(png)  # an undecodable file raises ArtError out of the answer
    broken = []
    if pixels.shape != (size, size, 3) or pixel_sha256(pixels) != digest:
        broken.append("file")
    return broken + ([] if _pixel_hash(seed, style, size) == digest else ["render"])


def _broken_stops_at_bad_file(seed, style, size, digest, png):
    from refimpl.art import ArtError, from_png

    try:
        from_png(png)
    except ArtError:
        return ["file"]  # never re-renders the claim
    return _broken(seed, style, size, digest, png)


def _broken_first_only(seed, style, size, digest, png):
    full = _broken(seed, style, size, digest, png)
    return full[:1]


broken_links = PureFunctionCheck(
    "12.5 broken_links",
    reference=_broken,
    cases=_broken_cases,
    show=_show_broken,
    compare=_links_compare,
    returns=list,
    hints=[
        "Two independent checks, both always run: the file against the record, and a "
        "re-render against the record.",
        "The file: decode it with from_png and compare its shape with (size, size, 3) "
        "and its pixel_sha256 with the record: the hash alone does not fix the shape. "
        "A file from_png refuses (ArtError: truncated, not 8-bit RGB) is broken too.",
        "The render: pixel_sha256(render(seed, style, size)) == pixel_sha256_hex. "
        "Collect the names in the order 'file', 'render'.",
    ],
    wrong=[
        lambda seed, style, size, h, png: [],
        _broken_shape_blind,
        _broken_first_only,
        lambda seed, style, size, h, png: sorted(
            _broken(seed, style, size, h, png), reverse=True
        ),
        lambda seed, style, size, h, png: (
            [] if _pixel_hash(seed, style, size) == h else ["render"]
        ),
        lambda seed, style, size, h, png: (
            ["file"] if hashlib.sha256(png).hexdigest() != h else []
        ),
        lambda seed, style, size, h, png: tuple(_broken(seed, style, size, h, png)),
        lambda seed, style, size, h, png: _broken(seed, "sunset", size, h, png),
        _broken_prefix16,
        _broken_decoder_raises,
        _broken_stops_at_bad_file,
        _broken_by_pillow(convert=False),
        _broken_by_pillow(convert=True),
        _broken_startswith,
        _broken_height_only,
        _broken_file_twice,
    ],
)
