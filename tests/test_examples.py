"""The shipped example collection verifies here: each work re-renders from its seed."""

from pathlib import Path

import pytest

from refimpl.art import ProvenanceRecord, verify_provenance
from refimpl.nft.collection import load_collection

COLLECTION = Path(__file__).resolve().parents[1] / "examples" / "collection"


def test_the_collection_loads_with_every_hash_checked():
    collection = load_collection(COLLECTION)
    assert collection.name == "ChainMind examples"
    assert len(collection.items) >= 5


@pytest.mark.parametrize("token_id", sorted(load_collection(COLLECTION).items))
def test_every_example_re_renders_from_its_provenance(token_id):
    item = load_collection(COLLECTION).items[token_id]
    record = ProvenanceRecord.from_dict(item.metadata_dict()["provenance"])
    assert record.cid == item.image_cid
    result = verify_provenance(record, item.image)
    assert result.ok, result.reasons
