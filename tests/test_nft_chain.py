"""NFT registry state on a real mined chain: survives save/load and follows reorgs."""

from __future__ import annotations

import pytest

from refimpl.chain import Chain, ChainParams, InvalidTransaction, StorageError
from refimpl.crypto import PrivateKey
from refimpl.nft import NonexistentToken, cid_v1
from refimpl.nft.onchain import NFTExtension, nft_tx

PARAMS = ChainParams(chain_id=11)
ARTIST, BUYER = PrivateKey(2001), PrivateKey(2002)
A, B = ARTIST.public_key.address, BUYER.public_key.address
MINER = PrivateKey(2003).public_key.address
ALLOC = {A: 1_000, B: 1_000}


def new_chain() -> Chain:
    return Chain(PARAMS, [NFTExtension()], ALLOC)


def mint_tx(chain, tid=1, img=b"img", bps=250):
    p = {
        "token_id": tid,
        "image_cid": cid_v1(img),
        "metadata_cid": cid_v1(b"md" + img),
        "royalty_bps": bps,
    }
    return nft_tx(
        ARTIST, "nft_mint", p, nonce=chain.state.nonce(A), chain_id=PARAMS.chain_id
    )


@pytest.fixture(scope="module")
def sold_chain():
    chain = new_chain()
    chain.mine_block([mint_tx(chain)], MINER)
    lst = nft_tx(
        ARTIST, "nft_list", {"token_id": 1, "price": 400}, nonce=1, chain_id=11
    )
    chain.mine_block([lst], MINER)
    buy = nft_tx(BUYER, "nft_buy", {"token_id": 1}, nonce=0, chain_id=11, amount=400)
    chain.mine_block([buy], MINER)
    return chain


def test_mined_sale_moves_token_and_pays_royalty(sold_chain):
    st = sold_chain.state
    assert st.ext["nft"].registry.owner_of(1) == B
    assert st.balances[A] == 1_000 + 400  # seller + royalty receiver are the artist
    assert st.balances[B] == 600


def test_state_survives_save_and_load(sold_chain, tmp_path):
    path = str(tmp_path / "chain.sqlite")
    sold_chain.save(path)
    loaded = Chain.load(path, PARAMS, [NFTExtension()])
    assert loaded.height == sold_chain.height == 3
    assert loaded.state.snapshot() == sold_chain.state.snapshot()
    assert loaded.state.ext["nft"].registry.owner_of(1) == B


def test_truncated_chain_file_is_refused(sold_chain, tmp_path):
    path = tmp_path / "chain.sqlite"
    sold_chain.save(str(path))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StorageError):
        Chain.load(str(path), PARAMS, [NFTExtension()])


def test_reorg_undoes_and_redoes_a_mint():
    chain = new_chain()
    tx = mint_tx(chain)
    chain.mine_block([tx], MINER)
    assert chain.state.ext["nft"].registry.owner_of(1) == A
    rival = new_chain()  # same genesis, a longer branch without the mint
    other_miner = PrivateKey(2004).public_key.address
    blocks = [rival.mine_block([], other_miner) for _ in range(2)]
    for b in blocks:
        chain.add_block(b)
    assert chain.tip.hash() == blocks[-1].hash()
    with pytest.raises(NonexistentToken):
        chain.state.ext["nft"].registry.owner_of(1)
    assert chain.state.ext["nft"].content == {}
    # the mint is valid again on the new branch (same nonce) and can be re-mined
    chain.mine_block([tx], MINER)
    assert chain.state.ext["nft"].registry.owner_of(1) == A


def test_duplicate_image_in_one_block_is_refused():
    chain = new_chain()
    t1 = mint_tx(chain, tid=1)
    p = {
        "token_id": 2,
        "image_cid": cid_v1(b"img"),
        "metadata_cid": cid_v1(b"other"),
        "royalty_bps": 0,
    }
    t2 = nft_tx(ARTIST, "nft_mint", p, nonce=1, chain_id=11)
    before = chain.state.snapshot()
    with pytest.raises(InvalidTransaction, match="DuplicateContent"):
        chain.mine_block([t1, t2], MINER)
    assert chain.height == 0 and chain.state.snapshot() == before
