"""Checks for lesson 00 (welcome): two warm-ups that show how feedback works."""

from refimpl.course import FunctionCheck, ValueCheck

__all__ = ["lesson_count", "to_hex"]

lesson_count = ValueCheck(
    "00.1 lesson_count",
    expected=lambda: 15,
    describe="the number of lessons in the course",
    hints=[
        "Look at the syllabus table above: the lessons are numbered from 00.",
        "Numbering from 00 to 14 means one more lesson than the last number.",
    ],
    solution="lesson_count = 15  # lessons 00, 01, ..., 14",
    wrong=[14, "15", 15.5],
)


def _to_hex(data: bytes) -> str:
    return data.hex()


to_hex = FunctionCheck(
    "00.2 to_hex",
    reference=_to_hex,
    cases=[(b"",), (b"\x00\xff",), (b"ChainMind",), (bytes(range(16)),)],
    hints=[
        "Every byte becomes two hexadecimal digits, lowercase, with no prefix.",
        "bytes objects have a method that does exactly this: try dir(b'').",
        "b'\\x00\\xff'.hex() == '00ff'",
    ],
    solution="def to_hex(data: bytes) -> str:\n    return data.hex()",
    wrong=[
        lambda data: str(data),
        lambda data: data.hex().upper(),
        lambda data: "0x" + data.hex(),
    ],
)
