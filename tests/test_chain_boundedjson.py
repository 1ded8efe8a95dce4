"""refimpl.boundedjson: size and nesting are bounded before ``json`` parses, so a
deep document is an error with a reason even after py-ecc raised the recursion
limit (where ``json`` itself would overflow the C stack)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl.boundedjson import (
    MAX_DEPTH,
    JSONLimitError,
    check_depth,
    loads,
    nesting_depth,
)

plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3),
                                                                inner, max_size=3),
    max_leaves=20,
)  # fmt: skip


@given(plain)
def test_loads_equals_json_loads_on_plain_documents(obj) -> None:
    text = json.dumps(obj)
    assert loads(text) == json.loads(text) == loads(text.encode())


def test_depth_ignores_brackets_inside_strings() -> None:
    assert nesting_depth('{"a": "[[[[", "b": ["\\"]]]"]}') == 2
    assert nesting_depth("[]") == 1 and nesting_depth("1") == 0


@pytest.mark.parametrize(
    "doc",
    [
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        '{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
    ],  # fmt: skip
)
def test_too_deep_is_refused(doc: str) -> None:
    with pytest.raises(JSONLimitError, match="nests"):
        loads(doc)


def test_size_is_bounded_in_utf8_bytes() -> None:
    with pytest.raises(JSONLimitError, match="bytes"):
        loads(b" " * 101, max_bytes=100)
    with pytest.raises(JSONLimitError, match="as UTF-8"):
        loads('"' + "é" * 60 + '"', max_bytes=100)  # 62 characters, 122 bytes
    assert loads('"' + "é" * 40 + '"', max_bytes=100) == "é" * 40
    with pytest.raises(TypeError):
        loads(5)  # type: ignore[arg-type]


def test_check_depth_is_iterative_and_catches_cycles() -> None:
    deep: list = []
    node = deep
    for _ in range(200_000):
        node.append([])
        node = node[0]
    with pytest.raises(JSONLimitError):
        check_depth(deep)
    loop: list = []
    loop.append(loop)
    with pytest.raises(JSONLimitError):
        check_depth(loop)
    check_depth({"a": [1, {"b": 2}]})


def test_70000_levels_with_py_ecc_loaded_do_not_kill_the_interpreter() -> None:
    code = textwrap.dedent(
        """
        import py_ecc.secp256k1  # sets the recursion limit to 100,000
        from refimpl.boundedjson import JSONLimitError, loads
        try:
            loads("[" * 70_000 + "]" * 70_000)
        except JSONLimitError:
            print("refused")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert out.returncode == 0 and out.stdout.strip() == "refused", out.stderr[-500:]
