"""The minting pipeline and collections on disk (lesson 12)."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest
import torch

from refimpl.chain import Chain, ChainParams
from refimpl.crypto import PrivateKey
from refimpl.nft import (
    CollectionError,
    MetadataError,
    cid_v1,
    collection,
    metadata_bytes,
)
from refimpl.nft.collection import CollectionItem, load_collection, save_collection
from refimpl.nft.onchain import NFTExtension
from refimpl.nft.pipeline import mint_artworks, prepare_artwork, verify_token

torch.set_num_threads(1)
ARTIST = PrivateKey(3001)
MINER = PrivateKey(3002).public_key.address
SIZE = 32


@pytest.fixture(scope="module")
def minted():
    arts = [
        prepare_artwork(i, 40 + i, style, SIZE)
        for i, style in enumerate(["classic", "sunset", "ink"])
    ]
    chain = Chain(ChainParams(chain_id=3), [NFTExtension()])
    mint_artworks(chain, ARTIST, arts, MINER, royalty_bps=700)
    return chain, arts


def test_pipeline_mints_and_anyone_verifies(minted):
    chain, arts = minted
    reg = chain.state.ext["nft"].registry
    for a in arts:
        assert reg.owner_of(a.token_id) == ARTIST.public_key.address
        assert reg.token_uri(a.token_id) == "ipfs://" + a.metadata_cid
        assert a.record.cid == a.image_cid == cid_v1(a.png)
        v = verify_token(chain.state, a.token_id, a.item)
        assert v.ok and v.reasons == ()
    assert reg.royalty_info(0, 1000) == (ARTIST.public_key.address, 70)


def _md(art) -> dict:
    return json.loads(art.metadata)


def _with_md(art, md) -> CollectionItem:
    return CollectionItem(art.token_id, art.png, metadata_bytes(md))


def test_altered_seed_fails_verification(minted):
    chain, arts = minted
    md = _md(arts[0])
    md["seed"] += 1
    md["provenance"]["seed"] += 1
    v = verify_token(chain.state, 0, _with_md(arts[0], md))
    assert not v.ok
    assert any("tokenURI" in r for r in v.reasons)
    assert any("pixels differ" in r for r in v.reasons)


def test_altered_weights_fail_verification(minted):
    chain, arts = minted
    md = _md(arts[1])
    md["provenance"]["weights_sha256"] = "0" * 64
    v = verify_token(chain.state, 1, _with_md(arts[1], md))
    assert not v.ok and any("weights hash differs" in r for r in v.reasons)


def test_altered_image_fails_verification(minted):
    chain, arts = minted
    other = arts[2].png
    v = verify_token(chain.state, 0, CollectionItem(0, other, arts[0].metadata))
    assert not v.ok
    assert any("image file is not the image minted" in r for r in v.reasons)


def test_record_pointing_at_other_image_is_refused(minted):
    chain, arts = minted
    md = _md(arts[0])
    md["provenance"]["cid"] = arts[1].image_cid
    with pytest.raises(MetadataError, match="provenance names image"):
        metadata_bytes(md)


def test_token_not_on_chain(minted):
    chain, arts = minted
    v = verify_token(chain.state, 99, arts[0].item)
    assert not v.ok and "not on chain" in v.reasons[0]


def test_verification_survives_save_and_load(minted, tmp_path):
    chain, arts = minted
    path = str(tmp_path / "c.sqlite")
    chain.save(path)
    loaded = Chain.load(path, chain.params, [NFTExtension()])
    assert verify_token(loaded.state, 2, arts[2].item).ok


# --- collections on disk -------------------------------------------------------
@pytest.fixture
def saved(minted, tmp_path):
    _, arts = minted
    path = save_collection(tmp_path / "drop", "Drop", [a.item for a in arts])
    return path, arts


def test_collection_round_trip_and_no_temp_left(saved):
    path, arts = saved
    col = load_collection(path)
    assert col.name == "Drop" and sorted(col.items) == [0, 1, 2]
    for a in arts:
        assert col.items[a.token_id] == a.item
    assert sorted(p.name for p in path.parent.iterdir()) == ["drop"]
    assert (path / "images" / f"{arts[0].image_cid}.png").exists()


def test_truncated_image_is_refused(saved):
    path, arts = saved
    f = path / "images" / f"{arts[1].image_cid}.png"
    f.write_bytes(f.read_bytes()[:-10])
    with pytest.raises(CollectionError, match="truncated"):
        load_collection(path)


def test_tampered_metadata_is_refused(saved):
    path, _ = saved
    f = path / "metadata" / "0.json"
    data = bytearray(f.read_bytes())
    data[-3] ^= 1
    f.write_bytes(bytes(data))
    with pytest.raises(CollectionError, match="sha256"):
        load_collection(path)


def test_truncated_manifest_is_refused(saved):
    path, _ = saved
    f = path / "manifest.json"
    f.write_bytes(f.read_bytes()[:100])
    with pytest.raises(CollectionError, match="not valid JSON"):
        load_collection(path)


def test_missing_and_extra_files_are_refused(saved):
    path, arts = saved
    (path / "notes.txt").write_text("hi")
    with pytest.raises(CollectionError, match="not in the manifest"):
        load_collection(path)
    (path / "notes.txt").unlink()
    (path / "metadata" / "2.json").unlink()
    with pytest.raises(CollectionError, match="missing"):
        load_collection(path)
    with pytest.raises(CollectionError, match="missing"):
        load_collection(path.parent / "nowhere")


def test_consistently_forged_manifest_still_caught_by_cid(saved):
    path, arts = saved
    # swap image bytes AND fix the manifest's hash: the CID in the file name betrays it
    f = path / "images" / f"{arts[0].image_cid}.png"
    forged = arts[1].png
    f.write_bytes(forged)
    m = json.loads((path / "manifest.json").read_text())
    rel = f"images/{arts[0].image_cid}.png"
    import hashlib

    m["files"][rel] = {
        "sha256": hashlib.sha256(forged).hexdigest(),
        "size": len(forged),
    }
    (path / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(CollectionError, match="image does not match its CID"):
        load_collection(path)


@pytest.mark.parametrize("exchange", [True, False])
def test_failed_save_leaves_old_collection_intact(saved, monkeypatch, exchange):
    path, arts = saved
    before = load_collection(path)
    bad = replace(arts[0].item, metadata=b"{broken")
    with pytest.raises(MetadataError):
        save_collection(path, "Drop 2", [bad])
    real_rename = os.rename

    def crash(src, dst):
        if ".tmp-" in str(src):  # the new collection cannot be moved into place
            raise OSError("disk full")
        return real_rename(src, dst)

    def crash_exchange(a, b):
        raise OSError("disk full")

    if exchange:
        monkeypatch.setattr(collection, "_exchange", crash_exchange)
    else:  # a platform without an atomic exchange: rename aside, rename in
        monkeypatch.setattr(collection, "_exchange", lambda a, b: False)
        monkeypatch.setattr(os, "rename", crash)
    with pytest.raises(OSError, match="disk full"):
        save_collection(path, "Drop 2", [arts[0].item])
    monkeypatch.undo()
    assert load_collection(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["drop"]


def test_save_replaces_existing_collection(saved):
    path, arts = saved
    save_collection(path, "Smaller", [arts[2].item])
    col = load_collection(path)
    assert col.name == "Smaller" and list(col.items) == [2]
    assert sorted(p.name for p in path.parent.iterdir()) == ["drop"]


def test_duplicate_token_ids_refused(minted, tmp_path):
    _, arts = minted
    with pytest.raises(CollectionError, match="share a token id"):
        save_collection(tmp_path / "x", "X", [arts[0].item, arts[0].item])
    assert not (tmp_path / "x").exists()
