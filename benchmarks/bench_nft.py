"""Benchmark: minting 100 NFTs end to end (lesson 12).

Rows: (what, figure, unit, ratio vs baseline measured in the same run, baseline).

End to end, per artwork: render a 256 x 256 CPPN (float64, one torch thread), encode
the PNG, hash it, build its CID, provenance record and metadata (and the metadata's
CID), sign an ``nft_mint`` transaction; then mine all 100 mints in one block (the chain
re-checks every signature and ERC-721 rule) and finally verify every token as a
stranger would (``verify_token``: token URI, image CID, re-render and compare). The
baseline is the part every generative-art pipeline pays anyway, measured in the same
run and interleaved artwork by artwork with the pipeline (so both see the same
neighbours): ``refimpl.art.make_artwork`` for the same 100 artworks (render + PNG +
hashes). The ratio says what the NFT layer and the verification add on top.

Cost: about a minute on the course machine (every image is rendered twice).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from refimpl.art import make_artwork  # noqa: E402
from refimpl.chain import Chain, ChainParams  # noqa: E402
from refimpl.crypto import PrivateKey  # noqa: E402
from refimpl.nft.onchain import NFTExtension  # noqa: E402
from refimpl.nft.pipeline import (  # noqa: E402
    mint_transaction,
    prepare_artwork,
    verify_token,
)

N = 100
SIZE = 256
STYLES = ("classic", "sunset", "ocean", "neon", "ink")
BASELINE = "make_artwork alone (render + PNG + hashes), same 100 artworks"


def _jobs(n: int) -> list[tuple[int, int, str]]:
    return [(i, 10_000 + i, STYLES[i % len(STYLES)]) for i in range(n)]


def run(n: int = N, size: int = SIZE) -> list[tuple[str, float, str, float, str]]:
    """Measure and return the table rows."""
    torch.set_num_threads(1)
    make_artwork(0, "classic", size)  # warm up imports and caches
    jobs = _jobs(n)

    artist = PrivateKey(0xA57)
    miner = PrivateKey(0x313).public_key.address
    chain = Chain(ChainParams(chain_id=99), [NFTExtension()])
    base = prep = 0.0
    arts, txs = [], []
    for token_id, seed, style in jobs:  # interleaved: both see the same neighbours
        start = time.perf_counter()
        make_artwork(seed, style, size)
        mid = time.perf_counter()
        art = prepare_artwork(token_id, seed, style, size)
        arts.append(art)
        txs.append(mint_transaction(artist, art, nonce=token_id, chain_id=99))
        base += mid - start
        prep += time.perf_counter() - mid
    t1 = time.perf_counter()
    t0 = t1 - prep
    chain.mine_block(txs, miner)
    t2 = time.perf_counter()
    ok = all(verify_token(chain.state, a.token_id, a.item).ok for a in arts)
    t3 = time.perf_counter()
    if not ok or chain.state.ext["nft"].registry.total_supply() != n:
        raise RuntimeError("a minted token did not verify")
    total = t3 - t0
    return [
        (f"mint {n} NFTs end to end ({size}px)", total, "s", total / base, BASELINE),
        (
            "  of which render, name, describe, sign",
            t1 - t0,
            "s",
            (t1 - t0) / base,
            BASELINE,
        ),
        (
            f"  of which mine + validate the block of {n}",
            t2 - t1,
            "s",
            (t2 - t1) / base,
            BASELINE,
        ),
        (
            "  of which verify every token (re-render)",
            t3 - t2,
            "s",
            (t3 - t2) / base,
            BASELINE,
        ),
        (f"baseline: make_artwork x {n}", base, "s", 1.0, BASELINE),
    ]


def main() -> None:
    """Print the rows as a table."""
    for what, figure, unit, ratio, baseline in run():
        print(f"{what:<46} {figure:>9.2f} {unit:<3} {ratio:>6.2f}x  {baseline}")


if __name__ == "__main__":
    main()
