"""A minimal blockchain that agrees with Bitcoin byte for byte where it mirrors it.

Merkle trees, 80-byte headers, compact bits, retargeting and mining follow Bitcoin
Core exactly; transactions use an account model (balances and nonces, like
Ethereum) with a ``kind`` so later parts can add their own transactions through
``Extension``. Introduced in lessons 03-05.
"""

from . import pow
from .attack import attacker_success_probability, blocks_to_wait
from .block import Block, make_coinbase
from .chain import BlockEntry, Chain
from .errors import ChainError, InvalidBlock, InvalidTransaction, StorageError
from .extension import Extension, check_fields
from .header import BlockHeader
from .ledger import (
    SIGNATURE_CACHE,
    Ledger,
    SignatureCache,
    apply_block,
)
from .merkle import merkle_parent, merkle_proof, merkle_root, verify_merkle_proof
from .network import DoubleSpendOutcome, Network, Peer, double_spend_race
from .params import ChainParams
from .pow import *  # noqa: F403 - lesson 04's proof of work, listed in pow.__all__
from .race import RaceEstimate, race_success_probability, simulate_double_spend
from .state import BlockContext, Overlay, State, StateDelta
from .transaction import MAX_AMOUNT, Transaction, decode_payload, encode_payload

__all__ = [
    "BlockHeader",
    "merkle_root",
    "merkle_proof",
    "verify_merkle_proof",
    "merkle_parent",
    "attacker_success_probability",
    "blocks_to_wait",
    "Transaction",
    "encode_payload",
    "decode_payload",
    "MAX_AMOUNT",
    "Block",
    "make_coinbase",
    "State",
    "BlockContext",
    "Chain",
    "BlockEntry",
    "ChainParams",
    "Extension",
    "check_fields",
    "Overlay",
    "StateDelta",
    "SignatureCache",
    "SIGNATURE_CACHE",
    "Ledger",
    "apply_block",
    "ChainError",
    "InvalidTransaction",
    "InvalidBlock",
    "StorageError",
    "Network",
    "Peer",
    "double_spend_race",
    "DoubleSpendOutcome",
    "simulate_double_spend",
    "race_success_probability",
    "RaceEstimate",
]
__all__ += pow.__all__  # lesson 04's proof of work
