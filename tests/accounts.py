"""Test accounts: private keys from small fixed secrets, and their addresses.

``accounts(3)`` gives the keys of secrets 1000, 1001 and 1002 and the address of
each, the same in every test module that asks for them.
"""

from __future__ import annotations

from refimpl.crypto import PrivateKey

__all__ = ["accounts"]


def accounts(n: int, first: int = 1000) -> tuple[list[PrivateKey], list[str]]:
    """``n`` keys (secrets ``first``, ``first + 1``, ...) and their addresses."""
    keys = [PrivateKey(first + i) for i in range(n)]
    return keys, [k.public_key.address for k in keys]
