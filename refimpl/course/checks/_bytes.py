"""Answers that must be ``bytes`` (lessons 00 and 01), and labelled input bytes.

A ``bytearray`` holds the same bytes but is another type: the learner is told to
convert it, rather than shown a mismatch.
"""

from __future__ import annotations

from collections.abc import Callable

from refimpl.course import Wrong

__all__ = ["labelled", "same_bytes"]


class _Labelled(bytes):
    """Bytes that print as a short label in feedback (lessons 02 and 04's inputs)."""

    label = ""

    def __repr__(self) -> str:
        return self.label


# A learner who returns such an input hears of "bytes", never of our wrapper's name.
_Labelled.__name__ = _Labelled.__qualname__ = "bytes"


def labelled(data: bytes, label: str) -> bytes:
    """``data`` as bytes whose repr is ``label`` ("02 || x(G)", "<genesis header>"):
    a failing call names its input instead of printing 80 bytes."""
    out = _Labelled(data)
    out.label = label
    return out


def same_bytes(func: str) -> Callable[[object, bytes], bool]:
    """A compare for ``func``'s answers: exactly ``bytes`` equal to the expected ones;
    a bytearray is refused with a message that says how to fix it."""

    def compare(got: object, expected: bytes) -> bool:
        if isinstance(got, bytearray):
            raise Wrong(
                f"{func} returned a bytearray; the text asks for bytes: return "
                "bytes(...) of it"
            )
        return type(got) is bytes and got == expected

    return compare
