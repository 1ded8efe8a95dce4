"""JSON with limits: parse and check nesting before the C parser can overflow the stack.

py-ecc raises Python's recursion limit to 100,000 when it is imported. From then on the
standard ``json`` module, whose C parser and encoder recurse once per nesting level, no
longer stops a deeply nested document with ``RecursionError``: about 70,000 levels of
``[[[...]]]`` overflow the C stack and kill the interpreter. Every parser in the package
therefore bounds a document's size and nesting depth *before* handing it to ``json``.

Each package wraps :class:`JSONLimitError` into its own error family. Used by the
chain's transaction payloads (lesson 03), NFT metadata and collections (lesson 11) and
provenance records (lesson 10).
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_BYTES",
    "JSONLimitError",
    "check_depth",
    "loads",
    "nesting_depth",
]

MAX_DEPTH = 64
"""Deepest nesting any document of the course needs is a handful of levels."""

MAX_BYTES = 1 << 20
"""1 MiB: far above any payload, metadata or manifest the course writes."""

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JSONLimitError(ValueError):
    """A document or object is too large or too deeply nested to parse safely."""


def nesting_depth(text: str) -> int:
    """The deepest ``[``/``{`` nesting of a JSON text, ignoring brackets in strings.

    A linear scan that never recurses; unbalanced text is left for ``json`` to reject.
    """
    depth = deepest = 0
    for m in _BRACKET.finditer(_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def loads(
    data: str | bytes | bytearray | memoryview,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    **kwargs: Any,
) -> Any:
    """``json.loads`` after checking size and depth; raises :class:`JSONLimitError`.

    Bytes are decoded as UTF-8 (``UnicodeDecodeError`` is a ``ValueError``); a str is
    measured by its UTF-8 length. Other keyword arguments go to ``json.loads``.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if len(raw) > max_bytes:
            raise JSONLimitError(
                f"document is {len(raw):,} bytes; the limit is {max_bytes:,}"
            )
        text = raw.decode("utf-8")
    elif isinstance(data, str):
        text = data
        size = len(text)
        if size <= max_bytes < 4 * size:  # only then can the UTF-8 length matter
            size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise JSONLimitError(
                f"document is {size:,} bytes as UTF-8; the limit is {max_bytes:,}"
            )
    else:
        raise TypeError(f"JSON text must be str or bytes, not {type(data).__name__}")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JSONLimitError(
            f"document nests {depth} levels deep; the limit is {max_depth}"
        )
    return json.loads(text, **kwargs)


def check_depth(obj: Any, max_depth: int = MAX_DEPTH) -> None:
    """Refuse a Python object nested deeper than ``max_depth`` (before ``json.dumps``).

    Iterative, so it is safe on any object; self-referencing containers count as too
    deep.
    """
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, (list, tuple)):
            children = list(item)
        else:
            continue
        if depth > max_depth:
            raise JSONLimitError(f"object nests deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children)
