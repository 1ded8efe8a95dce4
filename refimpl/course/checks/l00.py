"""Checks for lesson 00 (welcome): warm-ups that show how feedback works."""

from __future__ import annotations

import re

import numpy as np

from refimpl.course import FunctionCheck, ValueCheck, Wrong
from refimpl.course.checks._bytes import labelled, same_bytes
from refimpl.course.course_map import LESSONS
from refimpl.course.feedback import answers_equal, args_whole, short_repr

__all__ = ["from_hex", "lesson_count", "lessons_in", "to_hex"]

# The lesson itself demonstrates check() on this one (so it is not an exercise).
# The number comes from the syllabus itself, so a new lesson cannot make it stale.
_LAST = LESSONS[-1].number

lesson_count = ValueCheck(
    "00.0 lesson_count",
    expected=lambda: len(LESSONS),
    describe="the number of lessons in the course",
    hints=[
        "Look at the syllabus table above: the lessons are numbered from 00.",
        "Numbering starts at 00, so there is one more lesson than the last lesson's "
        "number. Compute it from the syllabus (LESSONS), as the lesson does.",
    ],
    solution=f"lesson_count = {len(LESSONS)}  # lessons 00, 01, ..., {_LAST:02d}",
    wrong=[_LAST, str(len(LESSONS)), len(LESSONS) + 0.5, float(len(LESSONS))],
)


# -- 00.1 lessons_in ----------------------------------------------------------------
def _lessons_in(syllabus: list[tuple[int, str]], package: str) -> list[int]:
    return sorted(
        {
            number
            for number, builds in syllabus
            if builds == package or builds.startswith(package + ".")
        }
    )


def _wrong_lessons_twice(syllabus, package):
    # a lesson listed twice (it adds to two matching packages) comes out twice
    return sorted(n for n, b in syllabus if b == package or b.startswith(package + "."))


def _wrong_lessons_any_case(syllabus, package):
    # names compared ignoring case: Python's package names are case-sensitive
    package = package.lower()
    return _lessons_in([(n, b.lower()) for n, b in syllabus], package)


def _wrong_lessons_regex(syllabus, package):
    # a regular expression with the name unescaped: its dots match any character
    return sorted({n for n, b in syllabus if re.match(package + r"(\.|$)", b)})


def _wrong_lessons_stripped(syllabus, package):
    # spaces and newlines trimmed off: the text says names are compared exactly
    package = package.strip()
    return _lessons_in([(n, b.strip()) for n, b in syllabus], package)


def _a_list(got: object, expected: list[int]) -> bool:
    """The text asks for a list: a tuple or an array is told so (numpy integers inside
    a list are ints, as the course's type policy says)."""
    if isinstance(got, tuple | np.ndarray):
        kind = "a tuple" if isinstance(got, tuple) else f"an array of {got.dtype}"
        raise Wrong(
            f"lessons_in returned {kind}; the text asks for a list: return "
            "sorted(...) or list(...) of it"
        )
    return answers_equal(got, expected)


_SYLLABUS = [
    (8, "refimpl.market.yuma"),
    (6, "refimpl.market"),
    (1, "refimpl.crypto"),
    (9, "refimpl.market"),
    (13, "refimpl.artnet"),
    (10, "refimpl.art"),
    (3, "refimpl.chain"),
    (0, "refimpl.course"),
]
_OTHER = [
    (4, "shop.payments.cards"),
    (2, "shop"),
    (7, "shopping"),
    (5, "shop.payments"),
    (1, "shop.payments2"),
]

# Small cases first, each deciding one mistake and short enough to be shown whole
# when it fails; then the course's own syllabus and another one.
_SMALL = [
    (
        [(1, "refimpl.crypto"), (3, "refimpl.chain"), (2, "refimpl.crypto")],
        "refimpl.crypto",
    ),
    ([(8, "refimpl.market.yuma"), (6, "refimpl.market")], "refimpl.market"),
    ([(13, "refimpl.artnet"), (10, "refimpl.art")], "refimpl.art"),
    ([(7, "shopping"), (2, "shop")], "shop"),
    ([(3, "shop_old"), (5, "shop.pay"), (2, "shop")], "shop"),
    ([(3, "shop-old"), (2, "shop/pay")], "shop"),
    ([(4, "a.b.c"), (5, "a.b"), (1, "a.b2"), (6, "b.a.b.c")], "a.b"),
    ([(0, "refimpl.course")], "refimpl.nft"),
    ([], "refimpl"),
    # a lesson that adds to two matching packages is listed once in the answer
    (
        [(3, "refimpl.chain"), (3, "refimpl.chain.pow"), (4, "refimpl.chain")],
        "refimpl.chain",
    ),
    ([(5, "a"), (5, "a")], "a"),
    # names are case-sensitive, as Python's are
    (
        [(3, "Refimpl.Chain"), (4, "refimpl.chain"), (5, "REFIMPL.chain.pow")],
        "refimpl.chain",
    ),
    # the dot is a dot, not any character (an unescaped regex matches refimplXart)
    ([(4, "refimplXart"), (10, "refimpl.art"), (5, "refimpl.art-x")], "refimpl.art"),
    # exactly means exactly: a space or a newline is part of a name
    ([(2, "shop "), (3, " shop.pay"), (4, "shop\n"), (6, "shop")], "shop"),
    ([(2, "shop"), (3, "shop.pay")], "shop "),
    # numbers sort as numbers: 9 before 10 (as text, "10" < "9")
    ([(10, "a"), (9, "a.b"), (100, "a")], "a"),
    # a lesson listed twice whose matching package comes first (dict() keeps
    # only its last one)
    ([(3, "refimpl.chain"), (3, "refimpl.crypto")], "refimpl.chain"),
    # nested below a sibling whose name only starts the same
    ([(13, "refimpl.artnet.gallery"), (10, "refimpl.art.png")], "refimpl.art"),
]


lessons_in = FunctionCheck(
    "00.1 lessons_in",
    reference=_lessons_in,
    cases=_SMALL
    + [
        (_SYLLABUS, "refimpl.crypto"),
        (_SYLLABUS, "refimpl.market"),
        (_SYLLABUS, "refimpl.art"),
        (_SYLLABUS, "refimpl.market.yuma"),
        (_OTHER, "shop"),
        (_OTHER, "shop.payments"),
    ],
    show=args_whole,
    compare=_a_list,
    hints=[
        "A lesson counts if it builds the package itself or a package inside it: "
        "refimpl.market.yuma is inside refimpl.market.",
        "Inside means the name starts with the package name followed by a dot; "
        "refimpl.artnet is not inside refimpl.art.",
        "Each lesson once (a set), compared exactly, case included: sorted({n for n, "
        "b in syllabus if b == package or b.startswith(package + '.')})",
    ],
    wrong=[
        # a dot anywhere after the prefix: refimpl.artnet.gallery counted as art
        lambda s, p: sorted(
            {n for n, b in s if b.startswith(p) and (b == p or "." in b[len(p) :])}
        ),
        # dict(syllabus): a lesson's last package only
        lambda s, p: sorted(
            n for n, b in dict(s).items() if b == p or b.startswith(p + ".")
        ),
        # sorted as text: [10, 100, 9]
        lambda s, p: sorted(
            {n for n, b in s if b == p or b.startswith(p + ".")}, key=str
        ),
        # exact names only: misses the sub-package refimpl.market.yuma
        lambda s, p: sorted(n for n, b in s if b == p),
        # a bare prefix: refimpl.artnet is not part of refimpl.art
        lambda s, p: sorted(n for n, b in s if b.startswith(p)),
        # in the syllabus's order, not sorted
        lambda s, p: [n for n, b in s if b == p or b.startswith(p + ".")],
        # numbers as the lesson prints them ('08'), not ints
        lambda s, p: [f"{n:02d}" for n in _lessons_in(s, p)],
        # a substring test: "shop" is in "shopping"
        lambda s, p: sorted(n for n, b in s if p in b),
        # only works on the lesson's own syllabus
        lambda s, p: {"refimpl.crypto": [1], "refimpl.market": [6, 8, 9]}.get(p, []),
        # any separator after the prefix, not only a dot
        lambda s, p: sorted(
            n for n, b in s if b == p or (b.startswith(p) and b[len(p)] in "._")
        ),
        lambda s, p: sorted(
            n for n, b in s if b == p or (b.startswith(p) and not b[len(p)].isalnum())
        ),
        # the package's name anywhere after a dot
        lambda s, p: sorted(n for n, b in s if b == p or ("." + p + ".") in "." + b),
        _wrong_lessons_twice,
        _wrong_lessons_any_case,
        # an array, not the list the text asks for
        lambda s, p: np.array(_lessons_in(s, p), dtype=np.int64),
        _wrong_lessons_regex,
        _wrong_lessons_stripped,
    ],
)


# -- 00.2 to_hex ----------------------------------------------------------------------
def _to_hex(data: bytes) -> str:
    return data.hex()


to_hex = FunctionCheck(
    "00.2 to_hex",
    reference=_to_hex,
    cases=[
        (b"",),
        (b"\x00\xff",),
        (b"\x0f",),
        (b"\x00\x00\x01",),
        (b"ChainMind",),
        (bytes(range(16)),),
        (bytes([0xAB, 0x0C, 0x00]),),
        # longer than any hash: all of it, not a prefix
        (labelled(bytes(range(100)), "bytes(range(100))"),),
    ],
    # bytes as the learner would type them; the long one by its label
    show=lambda args: repr(args[0]) if len(args[0]) > 40 else short_repr(args[0], 90),
    hints=[
        "Every byte becomes two hexadecimal digits, lowercase, with no prefix.",
        "bytes objects have a method that does exactly this: try dir(b'').",
        "b'\\x00\\xff'.hex() == '00ff'",
    ],
    wrong=[
        lambda data: str(data),
        lambda data: data.hex().upper(),
        lambda data: "0x" + data.hex(),
        # one number: leading zero bytes vanish
        lambda data: f"{int.from_bytes(data, 'big'):x}" if data else "",
        # two digits per byte forgotten: 0x0f becomes 'f'
        lambda data: "".join(f"{b:x}" for b in data),
        # little-endian: bytes in reverse order
        lambda data: data[::-1].hex(),
        # separated pairs
        lambda data: data.hex(" "),
        # only the first 64 bytes (a hash-sized answer)
        lambda data: data[:64].hex(),
    ],
)


# -- 00.3 from_hex --------------------------------------------------------------------
def _from_hex(text: str) -> bytes:
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    return bytes.fromhex(text)


def _strip_lstrip(text: str) -> bytes:
    return bytes.fromhex(text.lstrip("0x"))


def _via_int(text: str) -> bytes:
    value = int(text, 16) if text not in ("", "0x", "0X") else 0
    return value.to_bytes((value.bit_length() + 7) // 8, "big")


_same_bytes = same_bytes("from_hex")


from_hex = FunctionCheck(
    "00.3 from_hex",
    reference=_from_hex,
    compare=_same_bytes,
    cases=[
        ("00ff",),
        ("",),
        ("0x00ff",),
        ("436861696e4d696e64",),
        ("0X0A",),
        ("DEADbeef",),
        ("0x",),
        ("000001",),
        ("0x0000",),
        ("00" * 40,),  # longer than a hash: every byte comes back
    ],
    hints=[
        "Undo to_hex: every two hexadecimal digits are one byte. A leading 0x (or 0X) "
        "is only a marker and is not part of the data.",
        "bytes.fromhex does the pairs (and accepts upper case); remove the marker "
        "first. "
        "Careful: text.lstrip('0x') removes every leading 0 and x, not the prefix.",
        "if text[:2] in ('0x', '0X'): text = text[2:]; then bytes.fromhex(text)",
    ],
    wrong=[
        bytes.fromhex,  # the prefix is not handled
        _strip_lstrip,  # strips leading zero digits too
        _via_int,  # one big number: leading zero bytes vanish
        lambda text: text.encode(),  # the characters, not the bytes they spell
        lambda text: bytes.fromhex(text.removeprefix("0x")),  # 0X forgotten
        lambda text: bytes.fromhex(text.lower().removeprefix("0x"))[::-1],  # reversed
        lambda text: bytearray.fromhex(text[2:] if text[:2] in ("0x", "0X") else text),
    ],
)
