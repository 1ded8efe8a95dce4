"""Checks for lesson 11 (NFTs and provenance).

One source of truth: 11.1 is ``refimpl.nft.sha256_from_cid``, 11.2 is
``refimpl.nft.royalty_amount`` (both must refuse what they refuse), 11.4 is judged by
``refimpl.nft.metadata.validate_metadata``. 11.3 is OpenZeppelin 5's order of checks
in ``transferFrom``; ``tests/test_checks_refs.py`` holds it equal to
``refimpl.nft.NFTRegistry`` on every combination of its inputs.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import math
import unicodedata
from typing import Any

import numpy as np

from refimpl.course import Check, Wrong
from refimpl.course.checks._calls import answers
from refimpl.course.feedback import (
    LearnerError,
    call_learner,
    describe_mismatch,
    reject_stub,
    short_repr,
)

__all__ = ["digest_from_cid", "royalty_split", "transfer_error", "make_metadata"]

_ZERO = "1111111111111111111114oLvT2"  # refimpl.nft.ZERO_ADDRESS


def _raised_value_error(answer: object, args: tuple, call: str, what: str) -> Any:
    """What ``answer(*args)`` returned, or ``_REFUSED`` if it raised ValueError (run
    within the check's limits, on copies); any other exception is told so."""
    try:
        return call_learner(answer, args, call)
    except LearnerError as error:
        if error.timed_out:
            raise
        if isinstance(error.error, ValueError):
            return _REFUSED
        raise Wrong(
            f"{call} raised {type(error.error).__name__}; a ValueError is wanted "
            f"for {what}"
        ) from None


_REFUSED = object()


def _valid_input(call: str, note: str):
    """Run a call that must succeed; if the learner's code raises, say the input
    was valid (and why) beside their traceback."""

    def run(answer: object, args: tuple) -> Any:
        try:
            return call_learner(answer, args, call)
        except LearnerError as error:
            if not error.timed_out:
                error.call = f"{error.call} ({note})"
            raise

    return run


# -- 11.1 ---------------------------------------------------------------------------
def _cid(data: bytes, prefix: bytes = b"\x01\x55\x12\x20") -> str:
    raw = prefix + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _b32(raw: bytes) -> str:
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


def _digest(cid: str) -> bytes:
    from refimpl.nft import sha256_from_cid

    return sha256_from_cid(cid)


_B32 = "abcdefghijklmnopqrstuvwxyz234567"


def _spare_bits_set(cid: str, bits: int = 3) -> str:
    """The same 36 bytes with ``bits`` of the last letter's two unused bits set
    (3: both, 1: the lowest only, 2: the other only)."""
    return cid[:-1] + _B32[_B32.index(cid[-1]) | bits]


def _spare_bits_of(cid: str) -> int:
    """The last letter's two unused bits (36 bytes = 288 bits = 57 letters + 3 bits:
    the 58th letter holds 3 bits of data and 2 padding bits, which must be 0)."""
    return _B32.index(cid[-1]) & 3 if len(cid) == 59 and cid[-1] in _B32 else 0


def _digit_for_letter(letter: str, digit: str) -> str:
    """A good CID with its first ``letter`` after the prefix spelled as ``digit``
    (base32 has no 0, 1, 8 or 9; ``b32decode(..., map01=...)`` reads 0 as O, 1 as
    I or L)."""
    for i in range(1000):
        cid = _cid(b"%d" % i)
        if letter in cid[8:]:
            at = cid.index(letter, 8)
            return cid[:at] + digit + cid[at + 1 :]
    raise AssertionError("unreachable: some CID holds the letter")


def _cid_inputs() -> list[tuple[str, bool]]:
    """(cid, valid?) pairs: good CIDs the lesson did not show, then traps."""
    good = [_cid(b"chainmind"), _cid(bytes(range(256))), _cid(b"\x00" * 7)]
    good.append(_cid(b"chainmind 13"))  # ends in '4': its two spare bits are 0 too
    good.append(_cid(b"286"))  # a digest that starts with a zero byte: still 32
    base = _cid(b"an artwork")
    bad = [
        "B" + base[1:].upper(),  # base32upper: valid multibase, not our form
        base.upper(),
        base[:-1],
        base + "a",
        _spare_bits_set(base),
        _spare_bits_set(_cid(b"hello world"), 1),  # ...e -> ...f: the low bit only
        _spare_bits_set(_cid(b"hello world"), 2),  # ...e -> ...g: the other only
        _cid(b"x", b"\x01\x70\x12\x20"),  # dag-pb codec
        _cid(b"x", b"\x00\x55\x12\x20"),  # version 0 byte
        _cid(b"x", b"\x01\x55\x13\x20"),  # sha2-512 code
        "b"
        + base64.b32encode(b"\x01\x55\x12\x1f" + bytes(32))
        .decode()
        .lower()
        .rstrip("="),  # says 31 digest bytes
        "b" + base[1:].upper(),  # upper-case body after a lower-case 'b'
        base[:20] + base[20:].upper(),  # mixed case
        _b32(b"\x01\x55\x12\x20" + bytes(range(31))),  # 31 digest bytes
        _b32(b"\x01\x55\x12\x20" + bytes(range(33))),  # 33 digest bytes
        _b32(b"\x01\x55\x12\x20" + bytes(range(40))),  # 40 digest bytes
        _b32(b"\x01\x55\x12\x20"),  # the prefix alone
        "z" + base[1:],
        "b" + "1" * 58,  # not base32
        "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",  # CIDv0
        " " + base[1:],
        " " + base + "\n",  # spaces around a good CID: not the CID itself
        "B" + base[1:],  # upper-case multibase letter, lower-case body
        # 'bafkrei' holds 30 of the prefix's 32 bits: length byte 0x21, same 59 letters
        _b32(b"\x01\x55\x12\x21" + hashlib.sha256(b"x").digest()),
        base.replace("i", "\u0131", 1),  # dotless ı: .upper() makes it I
        base[:30] + "\u017f" + base[31:],  # long s: .upper() makes it S
        # a general multihash reader: the length byte agrees with the digest it
        # carries, but only 32 bytes, and so only 59 letters, are ours
        _b32(b"\x01\x55\x12\x1f" + hashlib.sha256(b"x").digest()[:31]),
        _b32(b"\x01\x55\x12\x00"),  # 'bafkreaa': an empty digest, said so
        _b32(b"\x01\x55\x12\x21" + hashlib.sha256(b"x").digest() + b"\x00"),
        base + "\n",  # a regex's '$' also matches before a final newline
        "",
        "b",
        # each prefix byte, more than one wrong value: a whitelist is not the rule
        _cid(b"x", b"\x02\x55\x12\x20"),  # version 2
        _cid(b"x", b"\x03\x55\x12\x20"),  # version 3
        _cid(b"x", b"\x01\x71\x12\x20"),  # dag-cbor codec
        _cid(b"x", b"\x01\x00\x12\x20"),  # identity codec
        _cid(b"x", b"\x01\x55\x16\x20"),  # sha3-256
        _cid(b"x", b"\x01\x55\x1e\x20"),  # blake3
        _cid(b"x", b"\x01\x55\x12\x40"),  # a 64-byte digest said, 32 given
        base + "======",  # base32 padding put back: not the lesson's spelling
        base + " ",  # a trailing space alone
        base[1:],  # no multibase letter at all
        "b" + base,  # two of them
        "x" + base,
        _digit_for_letter("l", "1"),  # map01: '1' is not base32, whatever it maps to
        _digit_for_letter("o", "0"),  # ... nor is '0'
        # what int(text, 32) forgives: a sign, white space, other scripts' digits
        "b+" + base[2:],
        "b " + base[2:],
        "b\t" + base[2:],
        base[:7] + "\u0665" + base[8:],  # ARABIC-INDIC DIGIT FIVE
        base[:7] + "\uff15" + base[8:],  # FULLWIDTH DIGIT FIVE
        # a CID ending in '4' (bits 00) with its last letter's padding bits set:
        # the digits 5, 6 and 7 are not canonical either
        _spare_bits_set(_cid(b"chainmind 13"), 1),
        _spare_bits_set(_cid(b"chainmind 13"), 2),
        _spare_bits_set(_cid(b"chainmind 13"), 3),
        "ipfs://" + base,  # a URI that holds a CID is not the CID
    ]
    return [(c, True) for c in good] + [(c, False) for c in bad]


def _test_digest(answer: object) -> None:
    if not callable(answer):
        raise Wrong("expected a function digest_from_cid(cid)")
    for i, (cid, valid) in enumerate(_cid_inputs()):
        call = f"digest_from_cid({cid!r})"
        if valid:
            got = _valid_input(
                call, "a raw sha2-256 CIDv1 written the lesson's way: return its digest"
            )(answer, (cid,))
            reject_stub(got, call, first=i == 0)
            if isinstance(got, bytearray):
                raise Wrong(
                    f"{call} returned a bytearray; the text asks for bytes: "
                    "return bytes(...) of it"
                )
            if type(got) is not bytes:
                raise Wrong(
                    f"{call} returned {_a_type(got)}; bytes are wanted (the 32 of "
                    "the digest): return bytes(...) of it"
                )
            if got != _digest(cid):
                raise Wrong(
                    f"{call} returned {short_repr(got)}, which is not the digest inside"
                )
            continue
        got = _raised_value_error(
            answer, (cid,), call, "a string that is not our kind of CID"
        )
        if got is _REFUSED:
            continue
        padding = _spare_bits_of(cid)
        if padding and cid[:1] == "b" and cid == cid.lower():
            raise Wrong(
                f"{call} returned {short_repr(got)}, but its last letter "
                f"{cid[-1]!r} sets {'both' if padding == 3 else 'one'} of the 2 "
                "padding bits (that letter holds the last 3 bits of the 36 bytes, "
                f"then 2 padding bits that must both be 0; here {padding:02b}): "
                "that spelling is not canonical, raise ValueError"
            )
        raise Wrong(
            f"{call} returned {short_repr(got)}, but this is not a raw "
            f"sha2-256 CIDv1 in lower-case base32{_not_ascii(cid)}"
            f"{_wrong_prefix(cid)}: raise ValueError"
        )


def _wrong_prefix(cid: str) -> str:
    """For a well-spelled 59-letter CID whose 4 prefix bytes are not 01 55 12 20,
    which bytes they are (a 'bafkrei' start fixes only 30 of their 32 bits)."""
    if len(cid) != 59 or cid[:1] != "b" or any(c not in _B32 for c in cid[1:]):
        return ""
    raw = base64.b32decode(cid[1:].upper() + "======")
    if raw[:4] == b"\x01\x55\x12\x20":
        return ""
    return f" (its 4 prefix bytes are {raw[:4].hex(' ')}, not 01 55 12 20)"


def _a_type(value: object) -> str:
    name = type(value).__name__
    return f"{'an' if name[:1] in 'aeiou' else 'a'} {name} ({short_repr(value)})"


def _not_ascii(cid: str) -> str:
    """Where a CID hides a letter that only looks like base32 (ı, ſ), say which."""
    import unicodedata

    for i, c in enumerate(cid):
        if ord(c) > 127:
            name = unicodedata.name(c, "unnamed").lower()
            return (
                f" (its character [{i}] is {c!r}, U+{ord(c):04X} {name}: not an "
                f"ASCII letter, though {c!r}.upper() is {c.upper()!r})"
            )
    return ""


def _digest_lenient(cid: str) -> bytes:  # no canonical re-encoding
    body = cid[1:]
    raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    if cid[0] != "b" or raw[:4] != b"\x01\x55\x12\x20" or len(raw) != 36:
        raise ValueError("bad CID")
    return raw[4:]


def _digest_prefix_only(cid: str) -> bytes:  # checks the first two bytes only
    body = cid[1:].upper()
    raw = base64.b32decode(body + "=" * (-len(body) % 8))
    if raw[:2] != b"\x01\x55":
        raise ValueError("bad CID")
    return raw[-32:]


def _digest_casefold(cid: str) -> bytes:  # decodes either case, no length check
    raw = base64.b32decode(cid[1:] + "=" * (-len(cid[1:]) % 8), casefold=True)
    if cid[:1] != "b" or raw[:4] != b"\x01\x55\x12\x20":
        raise ValueError("bad CID")
    if base64.b32encode(raw).decode().lower().rstrip("=") != cid[1:].lower():
        raise ValueError("not canonical")
    return raw[4:]


def _digest_no_length(cid: str) -> bytes:  # canonical, right prefix, any length
    body = cid[1:]
    if cid[:1] != "b" or body != body.lower():
        raise ValueError("bad CID")
    raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    if raw[:4] != b"\x01\x55\x12\x20":
        raise ValueError("bad CID")
    if base64.b32encode(raw).decode().lower().rstrip("=") != body:
        raise ValueError("not canonical")
    return raw[4:]


def _digest_bafkrei_prefix(cid: str) -> bytes:  # the lesson's startswith test
    if not cid.startswith("bafkrei") or len(cid) != 59:
        raise ValueError("bad CID")
    body = cid[1:]
    if any(c not in _B32 for c in body) or _B32.index(body[-1]) & 3:
        raise ValueError("bad CID")
    return base64.b32decode(body.upper() + "======")[4:]


def _digest_startswith(cid: str) -> bytes:  # 'bafkrei' then anything canonical
    if not cid.startswith("bafkrei"):
        raise ValueError("bad CID")
    return _digest_no_length("b" + cid[1:])


def _padding_bit_checked(bit: int):
    """A wrong answer: the canonical test reduced to one of the 2 padding bits."""

    def answer(cid: str) -> bytes:
        if len(cid) != 59 or cid[0] != "b" or cid != cid.lower():
            raise ValueError("not a lower-case base32 CIDv1 of 59 characters")
        raw = base64.b32decode(cid[1:].upper() + "=" * 6)  # ignores padding bits
        if raw[:4] != b"\x01\x55\x12\x20":
            raise ValueError("not raw sha2-256")
        if _B32.index(cid[-1]) & bit:  # one of the 2 padding bits, not both
            raise ValueError("padding bits set")
        return raw[4:]

    return answer


def _digest_last_letter_listed(cid: str) -> bytes:
    """Lists the last letters with both spare bits zero, and forgets '4'."""
    if not isinstance(cid, str) or len(cid) != 59 or cid[-1] not in "aeimquy":
        raise ValueError(f"not a canonical CID: {cid!r}")
    return _digest(cid)


def _digest_upper_first(cid: str) -> bytes:  # .upper() before decoding
    if len(cid) != 59 or cid[0] != "b" or cid[1:] != cid[1:].lower():
        raise ValueError(cid)
    if cid[-1] not in "aeimquy4":  # the last letter's two padding bits are 0
        raise ValueError(cid)
    try:  # 'ı'.upper() is 'I' and 'ſ'.upper() is 'S': not base32 letters themselves
        raw = base64.b32decode(cid[1:].upper() + "======")
    except Exception:
        raise ValueError(cid) from None
    if raw[:4] != b"\x01\x55\x12\x20":
        raise ValueError(cid)
    return raw[4:]


def _digest_via_int(cid: str) -> bytes:
    """Wrong: the digest through an int: its leading zero bytes are lost."""
    n = int.from_bytes(_digest(cid), "big")
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


def _digest_multihash(cid: str) -> bytes:
    """Wrong: a general multihash reader; the digest is as long as its length byte
    says, so no string length is checked."""
    if not isinstance(cid, str) or not cid.startswith("b") or cid != cid.lower():
        raise ValueError("not lower-case base32")
    body = cid[1:]
    raw = base64.b32decode(body.upper() + "=" * (-len(body) % 8))
    if raw[:3] != b"\x01\x55\x12" or raw[3] != len(raw) - 4:
        raise ValueError("not a raw sha2-256 CIDv1")
    if _b32(raw) != cid:
        raise ValueError("not canonical")
    return raw[4:]


def _digest_regex_dollar(cid: str) -> bytes:
    """Wrong: ``re.match(r"b[a-z2-7]{58}$")``: '$' matches before a final newline."""
    import re

    if not re.match(r"b([a-z2-7]{58})$", cid):
        raise ValueError("not a CIDv1 string")
    return _digest(cid.rstrip("\n"))


def _digest_whitelist(prefixes: tuple[bytes, ...]):
    """Wrong: the 4 prefix bytes checked against a list with one more entry."""

    def answer(cid: str) -> bytes:
        if len(cid) != 59 or cid[:1] != "b" or cid != cid.lower():
            raise ValueError("not a lower-case base32 CIDv1 of 59 characters")
        try:
            raw = base64.b32decode(cid[1:].upper() + "======")
        except Exception:
            raise ValueError("not base32") from None
        if raw[:4] not in prefixes or _b32(raw) != cid:
            raise ValueError("not ours")
        return raw[4:]

    return answer


_HEX32 = "0123456789abcdefghijklmnopqrstuv"


def _digest_int32(cid: str) -> bytes:
    """Wrong: base32 read with int(..., 32) after mapping the letters (int() takes a
    sign, white space and any script's decimal digits)."""
    if len(cid) != 59 or cid[0] != "b" or cid != cid.lower():
        raise ValueError("not a lower-case base32 CIDv1 of 59 characters")
    if any(c in "0189" for c in cid):
        raise ValueError("not base32")
    n = int(cid[1:].translate(str.maketrans(_B32, _HEX32)), 32)
    if n & 3:
        raise ValueError("padding bits set")
    raw = (n >> 2).to_bytes(36, "big")
    if raw[:4] != b"\x01\x55\x12\x20":
        raise ValueError("not raw sha2-256")
    return raw[4:]


def _digest_letter_blacklist(cid: str) -> bytes:
    """Wrong: the last letters that set padding bits listed by hand, letters only."""
    if len(cid) != 59 or cid[0] != "b" or not set(cid[1:]) <= set(_B32):
        raise ValueError("not a lower-case base32 CIDv1 of 59 characters")
    if cid[-1] in "bcdfghjklnoprstvwxz":
        raise ValueError("padding bits set")
    raw = base64.b32decode(cid[1:].upper() + "======")
    if raw[:4] != b"\x01\x55\x12\x20":
        raise ValueError("not raw sha2-256")
    return raw[4:]


def _digest_map01(cid: str) -> bytes:
    """Wrong: ``b32decode(..., map01="L")`` reads '0' as 'O' and '1' as 'L'."""
    if not cid.isascii() or cid[:1] != "b" or len(cid) != 59 or cid != cid.lower():
        raise ValueError("not a lower-case base32 CIDv1 of 59 characters")
    raw = base64.b32decode(cid[1:].upper() + "=" * 6, map01="L")
    if raw[:4] != b"\x01\x55\x12\x20" or cid[-1] not in "aeimquy4":
        raise ValueError("not ours, or not canonical")
    return raw[4:]


def _digest_any_case(cid: str) -> bytes:
    return _digest("b" + cid[1:].lower()) if cid[:1] in "bB" else _digest(cid)


digest_from_cid = Check(
    "11.1 digest_from_cid",
    test=_test_digest,
    right=[_digest],
    hints=[
        "Undo each step of cid_v1: drop the 'b', base32-decode (upper case, with the "
        "'=' padding put back), check the 4 prefix bytes, keep the last 32.",
        "Refuse early: exactly 59 characters, 'b' first, lower case only. After "
        "decoding: 36 bytes starting 01 55 12 20.",
        "Last trap: re-encode the 36 bytes and compare with the input. Only the "
        "canonical spelling (spare bits zero) round-trips.",
    ],
    wrong=[
        _digest_lenient,
        _digest_prefix_only,
        _digest_any_case,
        _digest_upper_first,
        _digest_bafkrei_prefix,
        lambda cid: _digest(cid).hex(),
        lambda cid: base64.b32decode(cid[1:].upper() + "======")[4:],
        lambda cid: _digest(cid)[:31],
        _digest_casefold,
        _digest_no_length,
        _digest_startswith,
        lambda cid: _digest(cid.strip()),  # trims spaces the text does not allow
        lambda cid: _digest("b" + cid[1:]) if cid[:1] in "bB" else _digest(cid),
        lambda cid: bytearray(_digest(cid)),
        _padding_bit_checked(1),  # last letter & 1 only
        _padding_bit_checked(2),  # last letter & 2 only
        _digest_last_letter_listed,  # "aeimquy": forgets '4' (index 28, bits 00)
        _digest_multihash,
        _digest_via_int,
        _digest_regex_dollar,
        lambda cid: _digest(cid) if cid[0] == "b" else _digest(cid),  # IndexError
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x02\x55\x12\x20")),  # v2
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x03\x55\x12\x20")),  # v3
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x01\x71\x12\x20")),
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x01\x55\x16\x20")),
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x01\x55\x1e\x20")),
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x01\x55\x12\x40")),
        _digest_whitelist((b"\x01\x55\x12\x20", b"\x01\x00\x12\x20")),
        lambda cid: _digest(cid.rstrip("=")),  # padding taken off first
        lambda cid: _digest(cid.rstrip()),  # trailing white space taken off
        lambda cid: _digest("b" + cid.removeprefix("b")),  # the 'b' made optional
        lambda cid: _digest("b" + cid.lstrip("b")),
        lambda cid: _digest("b" + cid.split("b", 1)[-1]),
        _digest_map01,
        _digest_int32,
        _digest_letter_blacklist,
        lambda cid: memoryview(_digest(cid)),
    ],
)


# -- 11.2 ---------------------------------------------------------------------------
def _royalty_split(sale_price: int, bps: int, fee_bps: int) -> tuple[int, int, int]:
    from refimpl.nft import royalty_amount

    if bps + fee_bps > 10_000:
        raise ValueError("royalty and fee together exceed the price")
    royalty = royalty_amount(sale_price, bps)
    fee = royalty_amount(sale_price, fee_bps)
    return royalty, fee, sale_price - royalty - fee


_SPLIT_OK = [
    (1000, 200, 250),
    (999, 1000, 0),
    (1, 9999, 1),
    (10**18 + 7, 333, 250),
    (0, 500, 500),
    (7, 0, 0),
    (2**60 + 1, 333, 100),  # beyond float precision: floats give ...008, not ...004
    (12_345, 10_000, 0),  # the whole price is royalty
    (12_345, 0, 10_000),  # the whole price is fee
    (10_001, 5000, 5000),  # both on the full price: 5000 + 5000, the seller gets 1
    (19_999, 5, 5),
    (3, 3333, 3333),
    (999_999, 777, 250),
    # 30 digits, beyond Decimal's 28: its royalty comes out one too high
    (123456789012345678901234567891, 333, 0),
    (2**100, 333, 250),
    (2**200 + 12_345, 9999, 0),  # beyond 50 digits too: no precision is enough
    (5_128_598_692_741, 8278, 0),  # below 2**53, and still a float's error
    (2**255, 10_000, 0),  # mulDiv keeps the whole product: nothing wraps at 2**256
    (1, 5000, 5000),  # 10000 together, and rounding down leaves the seller 1
]
_SPLIT_BAD = [
    (1000, 10_001, 0),
    (1000, -1, 0),
    (1000, 0, -1),
    (1000, 0, 10_001),
    (-5, 100, 0),
    (-1, 0, 0),
    (10, 20_000, 0),
    (1000, 6000, 5000),
    (1000, 5001, 5000),
    # each rate on its own, not only their sum: -1 + 5 is in range, -1 is not
    (1000, -1, 5),
    (1000, 5, -1),
    (1000, 10_001, -1),
    (1000, -1, 10_001),
    # a price of 0 does not excuse rates out of range
    (0, 10_001, 0),
    (0, 6000, 5000),
    (0, -1, 0),
]


def _test_split(answer: object) -> None:
    calls = [(args, f"royalty_split{args!r}") for args in _SPLIT_OK]
    for args, call, got in answers(
        answer,
        "royalty_split(sale_price, bps, fee_bps)",
        calls,
        valid="every argument is in range: a price of 0 or more, each rate 0..10000, "
        "together at most 10000",
    ):
        want = _royalty_split(*args)
        if type(got) is not tuple or len(got) != 3:
            raise Wrong(
                f"{call} returned {short_repr(got)}; a tuple (royalty, fee, "
                "seller) is wanted"
            )
        if not all(
            isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_)
            for x in got
        ):
            odd = next(
                type(x).__name__
                for x in got
                if not isinstance(x, int | np.integer) or isinstance(x, bool | np.bool_)
            )
            raise Wrong(
                f"{call} returned {short_repr(got)}; all three parts must "
                f"be ints (whole base units), not {odd}"
            )
        if got != want:
            raise Wrong(f"{call} {describe_mismatch(got, want)}")
    for args in _SPLIT_BAD:
        call = f"royalty_split{args!r}"
        got = _raised_value_error(answer, args, call, "arguments out of range")
        if got is _REFUSED:
            continue
        raise Wrong(
            f"{call} returned {short_repr(got)}; it is out of range and "
            "must raise ValueError"
        )


def _split_decimal(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: Decimal arithmetic, exact only to 28 significant digits."""
    from decimal import Decimal

    if not (0 <= b <= 10_000 and 0 <= f <= 10_000 and b + f <= 10_000 and p >= 0):
        raise ValueError("out of range")
    royalty, fee = (int(Decimal(p) * r / 10_000) for r in (b, f))
    return royalty, fee, p - royalty - fee


def _split_uint256_wrap(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: the product wraps at 2**256, as a plain uint256 multiply would."""
    if not (0 <= b <= 10_000 and 0 <= f <= 10_000 and b + f <= 10_000 and p >= 0):
        raise ValueError("out of range")
    royalty, fee = (p * r % 2**256 // 10_000 for r in (b, f))
    return royalty, fee, p - royalty - fee


def _split_seller_nothing_at_full(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: at 10000 bps together the seller gets 0 and the fee takes the rest."""
    royalty, fee, seller = _royalty_split(p, b, f)
    if b + f == 10_000:
        return royalty, p - royalty, 0
    return royalty, fee, seller


def _split_zero_price_first(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: a price of 0 answered before the rates are checked."""
    if p == 0:
        return 0, 0, 0
    return _royalty_split(p, b, f)


def _split_decimal_50(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: Decimal with 50 digits: more, never enough."""
    from decimal import localcontext

    with localcontext() as ctx:
        ctx.prec = 50
        return _split_decimal(p, b, f)


def _split_float_when_small(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: floats while the price fits a float exactly (the product need not)."""
    if p > 2**53:
        return _royalty_split(p, b, f)
    if not (0 <= b <= 10_000 and 0 <= f <= 10_000 and b + f <= 10_000 and p >= 0):
        raise ValueError("out of range")
    royalty, fee = int(p * b / 10_000), int(p * f / 10_000)
    return royalty, fee, p - royalty - fee


def _split_total_guard_only(p: int, b: int, f: int) -> tuple[int, int, int]:
    """Wrong: only the sum of the two rates is checked."""
    if not 0 <= b + f <= 10_000 or p < 0:
        raise ValueError("out of range")
    royalty, fee = p * b // 10_000, p * f // 10_000
    return royalty, fee, p - royalty - fee


def _split_by(
    fn,
    *,
    lo=0,
    hi=10_000,
    neg_ok=False,
    both=True,
    fee_guard=True,
    fee_after=False,
    total=10_000,
):
    def split(p, b, f):
        if not lo <= b <= hi or (p < 0 and not neg_ok):
            raise ValueError("out of range")
        if fee_guard and not lo <= f <= hi:
            raise ValueError("out of range")
        if both and b + f > total:
            raise ValueError("too much")
        r = fn(p, b)
        fee = fn(p - r, f) if fee_after else fn(p, f)
        return r, fee, p - r - fee

    return split


royalty_split = Check(
    "11.2 royalty_split",
    test=_test_split,
    right=[
        _royalty_split,
        lambda p, b, f: tuple(  # numpy integers are ints here, where they fit
            np.int64(x) if abs(x) < 2**63 else x for x in _royalty_split(p, b, f)
        ),
    ],
    hints=[
        "Basis points are hundredths of a percent: 10000 bps is the whole price. "
        "Royalty and fee are both taken on the full sale price.",
        "Check the ranges first (each of bps and fee_bps in 0..10000, together at "
        "most 10000, price >= 0) and raise ValueError; then multiply first and "
        "divide by 10000 with integer floor division, once for each.",
        "royalty = sale_price * bps // 10000; fee = sale_price * fee_bps // 10000; "
        "return royalty, fee, sale_price - royalty - fee",
    ],
    wrong=[
        _split_by(lambda p, b: int(p * b / 10000)),  # floats: right until large
        _split_by(lambda p, b: round(p * b / 10000)),
        _split_by(lambda p, b: int(p * (b / 10000))),
        _split_by(lambda p, b: math.ceil(p * b / 10000)),
        _split_by(lambda p, b: p // 10000 * b),
        _split_by(lambda p, b: p * b // 10000, hi=9_999),  # 10000 refused
        _split_by(lambda p, b: p * b // 10000, total=9_999),  # 100 % together refused
        _split_by(lambda p, b: p * b // 10000, neg_ok=True),
        _split_by(lambda p, b: p * b // 10000, lo=-(10**9)),  # one-sided guard
        lambda p, b, f: (
            p * b // 10000,
            p * f // 10000,
            p - p * b // 10000 - p * f // 10000,
        ),  # no guard at all
        _split_by(lambda p, b: p * b / 10000 // 1),  # a float royalty
        lambda p, b, f: list(_royalty_split(p, b, f)),  # a list
        _split_by(lambda p, b: p * b // 10000, both=False),  # together > 100 %
        _split_by(lambda p, b: p * b // 10000, fee_guard=False),  # fee unchecked
        _split_by(lambda p, b: p * b // 10000, fee_after=True),  # fee on the rest
        lambda p, b, f: (lambda r, fee, s: (r, fee, s + fee))(  # seller keeps fee
            *_royalty_split(p, b, f)
        ),
        _split_decimal,
        _split_total_guard_only,
        _split_decimal_50,
        _split_zero_price_first,
        _split_uint256_wrap,
        _split_seller_nothing_at_full,
        _split_float_when_small,
    ],
)


# -- 11.3 ---------------------------------------------------------------------------
def _transfer_error(
    owner: str | None, approved: str, operators: set, caller: str, from_: str, to: str
) -> str:
    if to == _ZERO:
        return "InvalidReceiver"
    if owner is None:
        return "NonexistentToken"
    if caller == _ZERO or not (
        caller == owner or caller == approved or caller in operators
    ):
        return "InsufficientApproval"
    if from_ != owner:
        return "IncorrectOwner"
    return "ok"


def _auth_from_argument(owner, approved, operators, caller, from_, to):
    """Wrong: authorizes against the caller's from_, not the token's owner."""
    verdict = _transfer_error(
        owner if owner is None else from_, approved, operators, caller, from_, to
    )
    return "IncorrectOwner" if verdict == "ok" and from_ != owner else verdict


def _from_is_operator(owner, approved, operators, caller, from_, to):
    """Wrong: an operator named as from_ passes, whoever calls."""
    if from_ in operators:  # reads isApprovedForAll(owner, from_), not (owner, caller)
        operators = operators | {caller}
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _any_case(owner, approved, operators, caller, from_, to):
    """Wrong: compares addresses ignoring case, as Ethereum's hex addresses allow."""
    known = {a.lower(): a for a in (owner, approved, *operators) if a is not None}
    caller, from_ = (known.get(a.lower(), a) for a in (caller, from_))
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _from_zero_first(owner, approved, operators, caller, from_, to):
    """Wrong: refuses a zero from_ before the token and the caller are checked."""
    if to != _ZERO and from_ == _ZERO:
        return "IncorrectOwner"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _zero_caller_early(owner, approved, operators, caller, from_, to):
    """Wrong: a zero caller refused before the receiver and the token are checked."""
    if caller == _ZERO and to != _ZERO:
        return "InsufficientApproval"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _zero_caller_first(owner, approved, operators, caller, from_, to):
    """Wrong: a zero caller refused before anything else."""
    if caller == _ZERO:
        return "InsufficientApproval"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _invalid_sender(owner, approved, operators, caller, from_, to):
    """Wrong: adds ERC-6093's InvalidSender, which transferFrom never raises."""
    verdict = _transfer_error(owner, approved, operators, caller, from_, to)
    if verdict == "IncorrectOwner" and from_ == _ZERO:
        return "InvalidSender"
    return verdict


def _stripped(owner, approved, operators, caller, from_, to):
    """Wrong: accounts compared after .strip()."""
    return _transfer_error(
        owner, approved, operators, caller.strip(), from_.strip(), to.strip()
    )


def _zero_only_as_approved(owner, approved, operators, caller, from_, to):
    """Wrong: the zero rule applied to the approved address only."""
    if to == _ZERO:
        return "InvalidReceiver"
    if owner is None:
        return "NonexistentToken"
    allowed = caller == owner or caller in operators
    if not (allowed or (approved != _ZERO and caller == approved)):
        return "InsufficientApproval"
    return "IncorrectOwner" if from_ != owner else "ok"


def _stale_approval(owner, approved, operators, caller, from_, to):
    """Wrong: a missing token's leftover approval still authorizes."""
    if owner is None and to != _ZERO and caller == approved != _ZERO:
        return "IncorrectOwner"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _from_caller_or_owner(owner, approved, operators, caller, from_, to):
    """Wrong: from_ may be the caller as well as the owner."""
    verdict = _transfer_error(owner, approved, operators, caller, from_, to)
    return "ok" if verdict == "IncorrectOwner" and from_ == caller else verdict


def _compared_by(same, member):
    """Wrong answers that follow OpenZeppelin's order but compare accounts with
    ``same(a, b)`` and look callers up with ``member(caller, operators)``."""

    def answer(owner, approved, operators, caller, from_, to):
        if same(to, _ZERO):
            return "InvalidReceiver"
        if owner is None:
            return "NonexistentToken"
        allowed = same(caller, owner) or same(caller, approved)
        if same(caller, _ZERO) or not (allowed or member(caller, operators)):
            return "InsufficientApproval"
        return "ok" if same(from_, owner) else "IncorrectOwner"

    return answer


# ``in`` on strings (a substring test) where == was meant
_substring = _compared_by(
    lambda a, b: a in b, lambda caller, ops: any(caller in op for op in ops)
)
# ``is`` where == was meant (equal strings need not be one object)
_by_identity = _compared_by(lambda a, b: a is b, lambda caller, ops: caller in ops)


def _to_prefix(owner, approved, operators, caller, from_, to):
    """Wrong: the zero address recognised by its run of 1s."""
    if to.startswith("111111"):
        return "InvalidReceiver"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _zero_caller_only_without_approval(owner, approved, operators, caller, from_, to):
    """Wrong: the zero caller refused only when the token has no approved address."""
    if to == _ZERO:
        return "InvalidReceiver"
    if owner is None:
        return "NonexistentToken"
    zero_blocked = caller == _ZERO and approved == _ZERO
    if zero_blocked or not (
        caller == owner or caller == approved or caller in operators
    ):
        return "InsufficientApproval"
    return "IncorrectOwner" if from_ != owner else "ok"


def _receiver_authorizes(owner, approved, operators, caller, from_, to):
    """Wrong: a transfer *to* the approved address, the owner or an operator is let
    through whoever calls."""
    verdict = _transfer_error(owner, approved, operators, caller, from_, to)
    if verdict == "InsufficientApproval" and caller != _ZERO:
        if to == owner or to in operators or (to == approved != _ZERO):
            return "ok" if from_ == owner else "IncorrectOwner"
    return verdict


def _empty_approved_is_none(owner, approved, operators, caller, from_, to):
    """Wrong: a falsy approved address or operator read as 'none'."""
    return _transfer_error(
        owner, approved or _ZERO, {op for op in operators if op}, caller, from_, to
    )


def _operator_skips_from(owner, approved, operators, caller, from_, to):
    """Wrong: an operator is let through before from_ is compared."""
    verdict = _transfer_error(owner, approved, operators, caller, from_, to)
    if verdict == "IncorrectOwner" and caller in operators:
        return "ok"
    return verdict


def _falsy_is_missing(owner, approved, operators, caller, from_, to):
    """Wrong: ``if not owner`` and ``if not to``: the empty account is no account."""
    if not to or to == _ZERO:
        return "InvalidReceiver"
    if not owner:
        return "NonexistentToken"
    return _transfer_error(owner, approved, operators, caller, from_, to)


def _transfer_cases() -> list[tuple]:
    o, a, p, x, z = "alice", "bob", "carol", "mallory", _ZERO
    return [
        (o, z, set(), o, o, x),  # owner transfers
        (o, a, set(), a, o, x),  # approved address
        (o, z, {p}, p, o, x),  # operator
        (o, z, set(), x, o, x),  # stranger
        (o, z, set(), o, x, a),  # wrong from, by the owner
        (o, z, set(), x, x, a),  # stranger AND wrong from
        (None, z, set(), x, x, a),  # missing token, stranger, wrong from
        (None, z, set(), o, o, _ZERO),  # missing AND zero receiver
        (o, z, set(), o, o, _ZERO),
        (o, a, {p}, o, o, o),  # self-transfer
        (o, z, set(), z, o, x),  # the zero address is never authorized
        (o, z, {p}, z, x, a),  # ... not even to reach IncorrectOwner
        (o, a, {p}, a, x, o),  # approved, wrong from
        (o, z, {p}, p, o, _ZERO),  # operator to the zero address
        (None, a, {p}, p, o, x),  # burnt token, stale approval
        (o, z, {x}, "eve", x, a),  # from_ is an operator, the caller is not
        (o, z, set(), "Alice", o, a),  # addresses compare exactly: not the owner
        (o, z, set(), o, "ALICE", a),  # ... and not the token's owner as from_
        (o, z, set(), x, z, a),  # from_ is the zero address: authorization first
        (None, z, set(), x, z, a),  # ... and the token's existence before that
        (None, z, set(), z, z, x),  # a zero caller: the missing token comes first
        (o, z, set(), z, o, z),  # ... and the zero receiver before both
        (o, z, set(), o, z, a),  # the owner, from_ zero: IncorrectOwner, nothing new
        (o, z, set(), "alice ", o, a),  # a trailing space: another account
        (o, z, {z}, z, o, x),  # the zero address authorizes nothing, listed or not
        (None, a, set(), a, o, x),  # a burnt token's stale approval: nothing
        (o, a, set(), a, a, x),  # the approved caller names itself as from_
        (o, z, set(), o, "ali", a),  # a from_ that is only the start of the owner
        (o, a, set(), "bo", o, x),  # a caller that is only part of the approved
        (o, z, {p}, "car", o, x),  # ... or part of an operator
        (o, z, set(), "ali", o, x),  # ... or part of the owner
        (o, z, set(), " alice", o, a),  # a leading space: another account
        (o, z, set(), o, o, _ZERO[:-1] + "3"),  # 27 letters like zero's: a receiver
        (o, z, set(), o, o, "1"),  # a short account, inside the zero address's text
        ("1", z, set(), "1", "1", a),  # ... as owner and caller
        # equal to the zero address, but another str object: compare with ==, not is
        (o, z, set(), o, o, "".join(list(_ZERO))),
        (o, z, set(), "".join(list(_ZERO)), o, x),
        (o, z, {p}, p, x, a),  # an operator names the wrong from_: IncorrectOwner
        # the empty string is an account like any other (only None means "no token")
        ("", z, set(), "", "", a),
        (o, z, set(), o, o, ""),
        ("alice", "", set(), "", "alice", a),  # '' approved: an account, approved
        ("alice", z, {""}, "", "alice", a),  # ... or an operator
        # a stranger sending to the approved address, to the owner, to an operator:
        # who receives the token gives the caller no right to move it
        (o, a, set(), x, o, a),
        (o, z, set(), x, o, o),
        (o, z, {p}, x, o, p),
        # the zero caller refused whatever the approved address is
        (o, a, {z}, z, o, p),
        # equal accounts, other str objects: compare with ==, not is
        (o, z, set(), "".join(["al", "ice"]), o, a),
        (o, z, set(), o, "".join(["al", "ice"]), a),
    ]


_NAMES = {"ok", "InvalidReceiver", "NonexistentToken", "InsufficientApproval"}
_NAMES.add("IncorrectOwner")


def _show_transfer(args: tuple) -> str:
    """The arguments as code, the zero address by its name (the exercise imports
    ZERO_ADDRESS)."""
    shown = []
    for a in args:
        if a == _ZERO:
            shown.append("ZERO_ADDRESS")
        elif isinstance(a, set) and _ZERO in a:
            rest = ", ".join(repr(x) for x in sorted(a - {_ZERO}))
            shown.append("{ZERO_ADDRESS" + (", " + rest if rest else "") + "}")
        else:
            shown.append(repr(a))
    return ", ".join(shown)


def _test_transfer_error(answer: object) -> None:
    calls = [
        (args, f"transfer_error({_show_transfer(args)})") for args in _transfer_cases()
    ]
    for args, call, got in answers(
        answer, "transfer_error(owner, approved, operators, ...)", calls
    ):
        if not isinstance(got, str) or got not in _NAMES:
            raise Wrong(
                f"{call} returned {short_repr(got)}; return 'ok' or one of the four "
                "error names"
            )
        if got != _transfer_error(*args):
            raise Wrong(
                f"{call} returned {got!r}, which is not what OpenZeppelin's "
                "transferFrom gives here (look at each rule, and at their order)"
            )


transfer_error = Check(
    "11.3 transfer_error",
    test=_test_transfer_error,
    right=[_transfer_error],
    hints=[
        "Check the four failure conditions in OpenZeppelin's order and return the "
        "first that applies; return 'ok' when none does.",
        "Order: zero receiver (InvalidReceiver), no owner (NonexistentToken), caller "
        "not owner/approved/operator (InsufficientApproval), wrong from "
        "(IncorrectOwner).",
        "The zero address is never authorized: not as the approved address (there "
        "it means 'nobody'), not as an operator, not as anything. Test "
        "caller == ZERO_ADDRESS before the three ways a caller may be allowed.",
    ],
    wrong=[
        # wrong precedence: from checked before authorization
        lambda o, a, ops, c, f, t: (
            "InvalidReceiver"
            if t == _ZERO
            else "NonexistentToken"
            if o is None
            else "IncorrectOwner"
            if f != o
            else "InsufficientApproval"
            if c not in (o, a) and c not in ops
            else "ok"
        ),
        # forgets operators
        lambda o, a, ops, c, f, t: _transfer_error(o, a, set(), c, f, t),
        # existence before receiver
        lambda o, a, ops, c, f, t: (
            "NonexistentToken" if o is None else _transfer_error(o, a, ops, c, f, t)
        ),
        # the lesson's TinyNFT rule: the zero address counts as "approved"
        lambda o, a, ops, c, f, t: (
            "ok"
            if c == a and o is not None and f == o and t != _ZERO
            else _transfer_error(o, a, ops, c, f, t)
        ),
        _auth_from_argument,
        _from_is_operator,
        _any_case,
        _from_zero_first,
        _zero_caller_early,
        _zero_caller_first,
        _invalid_sender,
        _stripped,
        _zero_only_as_approved,
        _stale_approval,
        _from_caller_or_owner,
        _substring,
        _by_identity,
        _to_prefix,
        _operator_skips_from,
        _receiver_authorizes,
        _zero_caller_only_without_approval,
        _empty_approved_is_none,
        _falsy_is_missing,
        lambda o, a, ops, c, f, t: _transfer_error(o, a, ops, c.strip(), f, t),
        # receiver checked last
        lambda o, a, ops, c, f, t: (
            _transfer_error(o, a, ops, c, f, "someone")
            if _transfer_error(o, a, ops, c, f, "someone") != "ok"
            else _transfer_error(o, a, ops, c, f, t)
        ),
    ],
)


# -- 11.4 ---------------------------------------------------------------------------
_MD_CASES = [
    (
        "Sunset #1",
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
        1,
        "sunset",
    ),
    (
        "Ink #42",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        42,
        "ink",
    ),
    (
        "Ω #0 – ünïcode",
        "bafkreieq5jui4j25lacwomsqgjeswwl3y5zcdrresptwgmfylxo2depppq",
        0,  # a falsy seed
        "neon",
    ),
    (
        "Big #1",
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
        2**40 + 7,  # seeds run to 2**64 - 1: no 32-bit truncation
        " sunset ",  # a style is kept exactly as passed, spaces too
    ),
    (
        " Dawn #7 ",  # a name is kept exactly as passed, spaces too
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        2**53 + 1,  # not a float's: int(float(seed)) gives 2**53
        "Sunset",  # and capitals too
    ),
    (
        "Last",
        "bafkreieq5jui4j25lacwomsqgjeswwl3y5zcdrresptwgmfylxo2depppq",
        2**64 - 1,  # the largest seed the art package takes
        "INK",
    ),
    (
        "Sunset #1",  # a name seen before, with another image, seed and style
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        99,
        "ink",
    ),
    (
        'Rock & Roll <3 "Dawn" \\ Cafe\u0301\nsecond line',  # kept byte for byte
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        12,
        "ink & <neon>\t",
    ),
    ("   ", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", 13, "  "),
    ("No style", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", 14, ""),
    (
        "Long " * 30,  # 150 characters
        "bafkreieq5jui4j25lacwomsqgjeswwl3y5zcdrresptwgmfylxo2depppq",
        15,
        "cafe\u0301 " * 25,  # decomposed accents, 150 characters
    ),
    (
        "A much longer title than thirty-two characters, kept whole",
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
        5,
        "neon",
    ),
]


def _make_metadata(name: str, image_cid: str, seed: int, style: str) -> dict:
    return {
        "name": name,
        "description": f"{style} CPPN artwork from seed {seed}",
        "image": "ipfs://" + image_cid,
        "attributes": [
            {"trait_type": "style", "value": style},
            {"trait_type": "seed", "value": seed, "display_type": "number"},
        ],
        "model": "cppn",
        "seed": seed,
        "style": style,
    }


_SHARED: dict = {}


def _md_shared(name: str, image_cid: str, seed: int, style: str) -> dict:
    """Wrong: one dict, cleared and refilled on every call."""
    _SHARED.clear()
    _SHARED.update(_make_metadata(name, image_cid, seed, style))
    return _SHARED


def _md_cached_by_name():
    """Wrong: a cache keyed by the name alone (a fresh one per evaluation)."""
    cache: dict = {}

    def make(name: str, image_cid: str, seed: int, style: str) -> dict:
        if name not in cache:
            cache[name] = _make_metadata(name, image_cid, seed, style)
        return cache[name]

    return make


def _test_metadata(answer: object) -> None:
    from refimpl.nft.errors import MetadataError
    from refimpl.nft.metadata import metadata_bytes, parse_metadata, validate_metadata

    calls = [(args, f"make_metadata{args!r}") for args in _MD_CASES]
    returned: list[tuple[str, dict, dict]] = []
    for args, call, md in answers(
        answer, "make_metadata(name, image_cid, seed, style)", calls
    ):
        try:
            validate_metadata(md, args[1])
            # a dict is metadata once it is written as JSON and read back
            parse_metadata(metadata_bytes(md), args[1])
        except MetadataError as e:
            raise Wrong(f"{call}: {e}") from None
        wanted = {"name": args[0], "seed": args[2], "style": args[3]}
        for field, value in wanted.items():
            if field not in md:
                raise Wrong(f"{call}: the dict has no {field!r} field")
            if md[field] != value:
                raise Wrong(
                    f"{call}: its {field!r} is {short_repr(md[field])}; it must be "
                    f"the {field} passed in, exactly"
                )
        seeds = [
            a.get("value")
            for a in md["attributes"]
            if isinstance(a, dict) and a.get("trait_type") == "seed"
        ]
        if any(
            not (s == args[2] and type(s) is int) and s != str(args[2]) for s in seeds
        ):
            raise Wrong(
                f"{call}: a 'seed' trait must hold this seed (as an int, or as its "
                "decimal text), or be left out"
            )
        returned.append((call, md, copy.deepcopy(md)))
        styles = [
            a.get("value")
            for a in md["attributes"]
            if isinstance(a, dict) and a.get("trait_type") == "style"
        ]
        if not styles:
            raise Wrong(f"{call}: add an attribute with trait_type 'style'")
        if styles != [args[3]]:
            raise Wrong(
                f"{call}: the 'style' trait must hold the style passed in, once"
            )
    for call, md, then in returned:
        if md != then:
            raise Wrong(
                f"the dict that {call} returned changed when you made a later call: "
                "build a new dict (and a new attributes list) on every call"
            )


make_metadata = Check(
    "11.4 make_metadata",
    test=_test_metadata,
    right=[_make_metadata],
    wrong=[
        lambda n, c, s, st: _make_metadata(n, c, s & 0xFFFFFFFF, st),  # 32-bit seed
        lambda n, c, s, st: _make_metadata(n, c, s, st.strip()),  # style stripped
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "image": c},
        lambda n, c, s, st: {
            k: v for k, v in _make_metadata(n, c, s, st).items() if k != "attributes"
        },
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "seed": str(s)},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "attributes": []},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "seed": float(s)},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "seed": bool(s)},
        lambda n, c, s, st: {
            **_make_metadata(n, c, s, st),
            "image": "https://ipfs.io/ipfs/" + c,
        },
        lambda n, c, s, st: _make_metadata("Sunset #1", c, s, st),
        lambda n, c, s, st: {
            **_make_metadata(n, c, s, st),
            "attributes": [{"trait_type": "style", "value": "x"}],
        },
        lambda n, c, s, st: {
            k: v for k, v in _make_metadata(n, c, s, st).items() if k != "model"
        },
        lambda n, c, s, st: {**_make_metadata(n, c, s or 1, st)},  # seed 0 lost
        lambda n, c, s, st: _make_metadata(n, c, int(float(s)), st),  # via a float
        lambda n, c, s, st: _make_metadata(n, c, s, st.lower()),  # style lowered
        lambda n, c, s, st: _make_metadata(n.strip(), c, s, st),  # name stripped
        lambda n, c, s, st: _make_metadata(n, c, s % 2**63, st),  # a signed 64-bit
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "tags": {"ai", "cppn"}},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "score": float("nan")},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "png": bytes(4)},
        _md_shared,
        _md_cached_by_name(),
        lambda n, c, s, st: _make_metadata(n[:32], c, s, st),  # a name cut short
        lambda n, c, s, st: _make_metadata(html.escape(n), c, s, st),
        lambda n, c, s, st: _make_metadata(unicodedata.normalize("NFC", n), c, s, st),
        lambda n, c, s, st: _make_metadata(n.replace("\n", " "), c, s, st),
        lambda n, c, s, st: _make_metadata(n if n.strip() else "Untitled", c, s, st),
        lambda n, c, s, st: _make_metadata(n, c, s, st.replace("\t", " ")),
        lambda n, c, s, st: _make_metadata(n, c, s, st or "unknown"),
        lambda n, c, s, st: _make_metadata(n, c, s, unicodedata.normalize("NFC", st)),
        lambda n, c, s, st: _make_metadata(n[:100], c, s, st),
        lambda n, c, s, st: _make_metadata(n, c, s, st[:64]),
        lambda n, c, s, st: {  # the lesson's seed trait, not this seed
            **_make_metadata(n, c, s, st),
            "attributes": [
                {"trait_type": "style", "value": st},
                {"trait_type": "seed", "value": 7},
            ],
        },
        lambda n, c, s, st: {  # 'prompt' where 'style' belongs
            k if k != "style" else "prompt": v
            for k, v in _make_metadata(n, c, s, st).items()
        },
    ],
    hints=[
        "EIP-721 wants name, description and image; the course adds attributes, "
        "model, seed and style.",
        "The image is a URI: 'ipfs://' + image_cid. attributes is a list of "
        "{'trait_type': ..., 'value': ...} objects; include one for the style.",
        "return {'name': name, 'description': '...', 'image': 'ipfs://' + image_cid, "
        "'attributes': [{'trait_type': 'style', 'value': style}], 'model': 'cppn', "
        "'seed': seed, 'style': style}",
    ],
)
