"""Checks for lesson 11 (NFTs and provenance)."""

from __future__ import annotations

import base64
import hashlib
import math

from refimpl.course import Check, FunctionCheck, Wrong
from refimpl.course.feedback import call_learner, reject_stub

__all__ = ["cid_v1", "royalty_amount", "transfer_error", "make_metadata"]

_ZERO = "1111111111111111111114oLvT2"  # refimpl.nft.ZERO_ADDRESS


# -- 11.1 ---------------------------------------------------------------------------
def _cid(data: bytes, prefix: bytes = b"\x01\x55\x12\x20") -> str:
    raw = prefix + hashlib.sha256(data).digest()
    return "b" + base64.b32encode(raw).decode().lower().rstrip("=")


cid_v1 = FunctionCheck(
    "11.1 cid_v1",
    reference=_cid,
    cases=[(b"hello world",), (b"",), (b"beep boop",), (bytes(range(256)),)],
    hints=[
        "A CIDv1 is 'b' + base32 of four prefix bytes followed by the sha256 digest.",
        "The prefix is 0x01 (CID version 1), 0x55 (raw codec), 0x12 (sha2-256), "
        "0x20 (32 digest bytes). Base32 lower case, with the '=' padding removed.",
        "'b' + base64.b32encode(bytes([1, 0x55, 0x12, 0x20]) + "
        "hashlib.sha256(data).digest()).decode().lower().rstrip('=')",
    ],
    solution=(
        "def cid_v1(data):\n"
        "    raw = bytes([0x01, 0x55, 0x12, 0x20]) + hashlib.sha256(data).digest()\n"
        "    return 'b' + base64.b32encode(raw).decode('ascii').lower().rstrip('=')"
    ),
    wrong=[
        lambda data: _cid(data).upper(),
        lambda data: _cid(data)[1:],
        lambda data: _cid(data, b"\x01\x70\x12\x20"),  # dag-pb codec
        lambda data: _cid(data) + "====",
        lambda data: hashlib.sha256(data).hexdigest(),
    ],
)


# -- 11.2 ---------------------------------------------------------------------------
def _royalty(sale_price: int, bps: int) -> int:
    return sale_price * bps // 10_000


royalty_amount = FunctionCheck(
    "11.2 royalty_amount",
    reference=_royalty,
    cases=[
        (1000, 200),
        (999, 1000),
        (1, 9999),
        (10**18 + 7, 333),
        (0, 500),
        (7, 0),
        (2**60 + 1, 333),  # beyond float precision: floats give ...008, not ...004
    ],
    hints=[
        "Basis points are hundredths of a percent: 10000 bps is the whole price.",
        "Multiply first, then divide by 10000 with integer floor division.",
        "return sale_price * bps // 10000",
    ],
    solution=(
        "def royalty_amount(sale_price, bps):\n    return sale_price * bps // 10000"
    ),
    wrong=[
        lambda p, b: int(p * b / 10000),  # floats: right until the price is large
        lambda p, b: round(p * b / 10000),
        lambda p, b: int(p * (b / 10000)),
        lambda p, b: math.ceil(p * b / 10000),
        lambda p, b: p // 10000 * b,
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
    if not (caller == owner or caller == approved or caller in operators):
        return "InsufficientApproval"
    if from_ != owner:
        return "IncorrectOwner"
    return "ok"


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
    ]


_NAMES = {"ok", "InvalidReceiver", "NonexistentToken", "InsufficientApproval"}
_NAMES.add("IncorrectOwner")


def _test_transfer_error(answer: object) -> None:
    if not callable(answer):
        raise Wrong(
            "expected a function transfer_error(owner, approved, operators, ...)"
        )
    for i, args in enumerate(_transfer_cases()):
        call = "transfer_error" + repr(args)
        got = call_learner(answer, args, call)
        reject_stub(got, call, first=i == 0)
        if got not in _NAMES:
            raise Wrong(f"{call}: return 'ok' or one of the four error names")
        if got != _transfer_error(*args):
            raise Wrong(f"{call}: that is not what OpenZeppelin's order gives here")


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
        "if to == ZERO_ADDRESS: return 'InvalidReceiver'; if owner is None: return "
        "'NonexistentToken'; if caller not in (owner, approved) and caller not in "
        "operators: return 'InsufficientApproval'; if from_ != owner: return "
        "'IncorrectOwner'; return 'ok'",
    ],
    solution=(
        "def transfer_error(owner, approved, operators, caller, from_, to):\n"
        "    if to == ZERO_ADDRESS:\n"
        "        return 'InvalidReceiver'\n"
        "    if owner is None:\n"
        "        return 'NonexistentToken'\n"
        "    if caller != owner and caller != approved and caller not in operators:\n"
        "        return 'InsufficientApproval'\n"
        "    if from_ != owner:\n"
        "        return 'IncorrectOwner'\n"
        "    return 'ok'"
    ),
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


def _test_metadata(answer: object) -> None:
    from refimpl.nft.errors import MetadataError
    from refimpl.nft.metadata import validate_metadata

    if not callable(answer):
        raise Wrong("expected a function make_metadata(name, image_cid, seed, style)")
    for i, args in enumerate(_MD_CASES):
        call = f"make_metadata{args!r}"
        md = call_learner(answer, args, call)
        reject_stub(md, call, first=i == 0)
        try:
            validate_metadata(md, args[1])
        except MetadataError as e:
            raise Wrong(f"{call}: {e}") from None
        if md["name"] != args[0] or md["seed"] != args[2] or md.get("style") != args[3]:
            raise Wrong(f"{call}: name, seed and style must be the ones passed in")
        traits = {a.get("trait_type") for a in md["attributes"]}
        if "style" not in traits:
            raise Wrong(f"{call}: add an attribute with trait_type 'style'")


make_metadata = Check(
    "11.4 make_metadata",
    test=_test_metadata,
    right=[_make_metadata],
    wrong=[
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "image": c},
        lambda n, c, s, st: {
            k: v for k, v in _make_metadata(n, c, s, st).items() if k != "attributes"
        },
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "seed": str(s)},
        lambda n, c, s, st: {**_make_metadata(n, c, s, st), "attributes": []},
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
    solution=(
        "def make_metadata(name, image_cid, seed, style):\n"
        "    return {\n"
        "        'name': name,\n"
        "        'description': f'{style} CPPN artwork from seed {seed}',\n"
        "        'image': 'ipfs://' + image_cid,\n"
        "        'attributes': [{'trait_type': 'style', 'value': style},\n"
        "                       {'trait_type': 'seed', 'value': seed,\n"
        "                        'display_type': 'number'}],\n"
        "        'model': 'cppn', 'seed': seed, 'style': style,\n"
        "    }"
    ),
)
