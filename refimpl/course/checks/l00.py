"""Checks for lesson 00 (welcome): two warm-ups that show how feedback works."""

from refimpl.course import FunctionCheck, ValueCheck

__all__ = ["lesson_count", "to_hex", "yuma_package"]

# The lesson itself demonstrates check() on this one (so it is not an exercise).
lesson_count = ValueCheck(
    "00.0 lesson_count",
    expected=lambda: 15,
    describe="the number of lessons in the course",
    hints=[
        "Look at the syllabus table above: the lessons are numbered from 00.",
        "Numbering from 00 to 14 means one more lesson than the last number.",
    ],
    solution="lesson_count = 15  # lessons 00, 01, ..., 14",
    wrong=[14, "15", 15.5],
)


yuma_package = ValueCheck(
    "00.1 yuma_package",
    expected=lambda: "refimpl.market.yuma",
    describe="the package that lesson 08 builds",
    hints=[
        "The syllabus printout in lesson 00 shows the package each lesson adds to.",
        "Find the line that starts with 08 and copy the name after the arrow.",
    ],
    solution='yuma_package = "refimpl.market.yuma"',
    wrong=["refimpl.market", "yuma", 8],
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
