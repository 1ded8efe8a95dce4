"""Content ids (IPFS CIDv1), EIP-2981 royalties and EIP-721 metadata validation."""

from __future__ import annotations

import copy
import hashlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from refimpl.nft import (
    ZERO_ADDRESS,
    InvalidRoyalty,
    MetadataError,
    NFTError,
    NFTRegistry,
    build_metadata,
    cid_from_sha256,
    cid_from_uri,
    cid_v1,
    is_cid_v1,
    metadata_bytes,
    parse_metadata,
    royalty_amount,
    sha256_from_cid,
)

# Public vectors: `ipfs add --raw-leaves --cid-version 1` of "hello world" (IPFS's own
# tests and many ports), of the empty file, and rust-cid's README example ("beep boop").
CID_VECTORS = [
    (b"hello world", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e"),
    (b"", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
    (b"beep boop", "bafkreieq5jui4j25lacwomsqgjeswwl3y5zcdrresptwgmfylxo2depppq"),
]
# filecoin-station/piece-indexer: this CID's multihash digest in hex.
DIGEST_VECTOR = (
    "fae8d07f50dbbcd3fdd65610adcd6c3df2171b31ae97041b1e222506e78dfd94",
    "bafkreih25dih6ug3xtj73vswccw423b56ilrwmnos4cbwhrceudopdp5sq",
)


@pytest.mark.parametrize("data,cid", CID_VECTORS)
def test_cid_v1_public_vectors(data, cid):
    assert cid_v1(data) == cid
    assert sha256_from_cid(cid) == hashlib.sha256(data).digest()


def test_cid_from_digest_vector():
    digest, cid = DIGEST_VECTOR
    assert cid_from_sha256(bytes.fromhex(digest)) == cid
    assert sha256_from_cid(cid).hex() == digest


@given(st.binary(max_size=300))
def test_cid_shape_and_round_trip(data):
    cid = cid_v1(data)
    assert len(cid) == 59 and cid.startswith("bafkrei") and cid == cid.lower()
    assert sha256_from_cid(cid) == hashlib.sha256(data).digest()


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",  # CIDv0
        "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",  # dag-pb
        "BAFKREIFZJUT3TE2NHYEKKLSS27NH3K72YSCO7Y32KOAO5EEI66WOF36N5E",
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5f",  # bad last bits
        "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5",
        None,
    ],
)
def test_bad_cids_are_rejected(bad):
    assert not is_cid_v1(bad)


def test_cid_v1_needs_bytes():
    with pytest.raises(TypeError):
        cid_v1("hello world")


# --- royalties (EIP-2981, OpenZeppelin ERC2981) ---
@pytest.mark.parametrize(
    "price,bps,amount",
    [(1000, 200, 20), (999, 1000, 99), (10**18, 10000, 10**18), (12345, 0, 0)],
)
def test_royalty_amount_floor(price, bps, amount):
    assert royalty_amount(price, bps) == amount


def test_royalty_amount_no_overflow_at_uint256_max():
    assert royalty_amount(2**256 - 1, 10000) == 2**256 - 1  # OpenZeppelin >= 5.7


@given(st.integers(0, 2**256), st.integers(0, 10000))
def test_royalty_amount_is_exact_floor(price, bps):
    a = royalty_amount(price, bps)
    assert a * 10000 <= price * bps < (a + 1) * 10000


@pytest.mark.parametrize("bps", [-1, 10001])
def test_royalty_bps_out_of_range(bps):
    with pytest.raises(ValueError):
        royalty_amount(100, bps)


def test_royalty_rejects_float_and_negative_price():
    with pytest.raises(TypeError):
        royalty_amount(100.0, 100)
    with pytest.raises(ValueError):
        royalty_amount(-1, 100)


def test_registry_royalty_rules():
    reg = NFTRegistry("Art", "ART")
    assert reg.royalty_info(1, 1000) == (ZERO_ADDRESS, 0)  # nothing set
    reg.set_default_royalty("1Artist", 200)
    assert reg.royalty_info(1, 1000) == ("1Artist", 20)  # no existence check
    reg.set_token_royalty(2, "1Other", 1000)
    assert reg.royalty_info(2, 999) == ("1Other", 99)
    assert reg.royalty_info(1, 999) == ("1Artist", 19)
    reg.reset_token_royalty(2)
    assert reg.royalty_info(2, 1000) == ("1Artist", 20)
    reg.set_default_royalty("1Artist", 10000)  # the limits are accepted
    reg.set_default_royalty("1Artist", 0)
    reg.delete_default_royalty()
    assert reg.royalty_info(1, 1000) == (ZERO_ADDRESS, 0)


def test_registry_royalty_failures_change_nothing():
    reg = NFTRegistry("Art", "ART")
    reg.set_default_royalty("1Artist", 200)
    before = copy.deepcopy(reg)
    with pytest.raises(InvalidRoyalty, match="InvalidDefaultRoyalty:"):
        reg.set_default_royalty(ZERO_ADDRESS, 10001)  # fee checked before receiver
    with pytest.raises(InvalidRoyalty, match="Receiver"):
        reg.set_default_royalty(ZERO_ADDRESS, 100)
    with pytest.raises(InvalidRoyalty, match="InvalidTokenRoyalty "):
        reg.set_token_royalty(1, ZERO_ADDRESS, 10001)
    with pytest.raises(InvalidRoyalty, match="Receiver"):
        reg.set_token_royalty(1, ZERO_ADDRESS, 100)
    assert reg == before


# --- metadata (EIP-721 + attributes + AI fields) ---
IMG = cid_v1(b"an image")
OTHER_IMG = cid_v1(b"another image")


def good_md(**over):
    md = build_metadata(
        name="Bloom #1",
        description="A CPPN bloom.",
        image_cid=IMG,
        model="cppn-v1",
        seed=7,
        style="bloom",
        attributes=[
            {"trait_type": "style", "value": "bloom"},
            {"trait_type": "seed", "value": 7, "display_type": "number"},
        ],
        provenance={"seed": 7, "cid": IMG},
    )
    md.update(over)
    return md


def test_metadata_round_trip_and_canonical():
    md = good_md()
    data = metadata_bytes(md)
    assert parse_metadata(data, IMG) == md
    assert data == json.dumps(md, sort_keys=True, separators=(",", ":")).encode()
    assert md["image"] == "ipfs://" + IMG and cid_from_uri(md["image"]) == IMG


@pytest.mark.parametrize(
    "data,why",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "JSON object"),
        (b'{"name": "x"}', "misses required"),
    ],
)
def test_metadata_invalid_json_or_missing(data, why):
    with pytest.raises(MetadataError, match=why):
        parse_metadata(data)


@pytest.mark.parametrize("field", ["name", "description", "image", "model", "seed"])
def test_metadata_missing_each_field(field):
    md = good_md()
    del md[field]
    with pytest.raises(MetadataError, match=field):
        parse_metadata(json.dumps(md))


def test_metadata_points_at_a_different_cid():
    md = good_md()
    with pytest.raises(MetadataError, match="not at the minted image"):
        parse_metadata(metadata_bytes(md), OTHER_IMG)
    md2 = good_md(provenance={"seed": 7, "cid": OTHER_IMG})
    with pytest.raises(MetadataError, match="provenance names image"):
        parse_metadata(json.dumps(md2))


@pytest.mark.parametrize(
    "over,why",
    [
        ({"image": "https://example.com/x.png"}, "ipfs://"),
        ({"image": "ipfs://QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o"}, "CIDv1"),
        ({"seed": -1}, "seed"),
        ({"seed": "7"}, "seed"),
        ({"name": ""}, "empty"),
        ({"attributes": {"a": 1}}, "list"),
        ({"attributes": [{"trait_type": "x"}]}, "value"),
        ({"attributes": [{"value": "a", "display_type": "number"}]}, "number"),
        ({"attributes": [{"value": 1, "display_type": "gauge"}]}, "display_type"),
        ({"attributes": [{"value": 1.5, "display_type": "date"}]}, "date"),
        ({"background_color": "#ffffff"}, "hex"),
        ({"provenance": {"seed": 8}}, "seed"),
    ],
)
def test_metadata_bad_fields(over, why):
    with pytest.raises(MetadataError, match=why):
        parse_metadata(json.dumps(good_md(**over)))


def test_metadata_needs_style_or_prompt():
    md = good_md()
    del md["style"]
    with pytest.raises(MetadataError, match="style or prompt"):
        parse_metadata(json.dumps(md))
    md["prompt"] = "a red bloom"
    parse_metadata(json.dumps(md))


def test_metadata_error_is_nft_and_value_error():
    assert issubclass(MetadataError, NFTError) and issubclass(MetadataError, ValueError)


_text = st.text(min_size=1, max_size=20)


@given(
    name=_text,
    description=st.text(max_size=40),
    seed=st.integers(0, 2**64 - 1),
    style=_text,
    traits=st.lists(
        st.tuples(_text, st.one_of(_text, st.integers(-(10**9), 10**9))), max_size=4
    ),
)
def test_metadata_round_trip_property(name, description, seed, style, traits):
    md = build_metadata(
        name=name,
        description=description,
        image_cid=IMG,
        model="cppn",
        seed=seed,
        style=style,
        attributes=[{"trait_type": t, "value": v} for t, v in traits],
    )
    data = metadata_bytes(md)
    assert parse_metadata(data, IMG) == md
    assert metadata_bytes(parse_metadata(data)) == data  # one canonical form
