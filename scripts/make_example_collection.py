"""Write the shipped example collection, ``examples/collection/`` (lessons 10-12).

One small artwork per style, made by the minting pipeline's first steps
(``refimpl.nft.pipeline.prepare_artwork``) and saved atomically with its metadata and
manifest (``refimpl.nft.collection.save_collection``). ``tests/test_examples.py``
re-renders every one from its provenance record on the machine that runs the tests.
Re-run this script only when the generator's code changes (its hash is recorded).
"""

from __future__ import annotations

import sys
from pathlib import Path

from refimpl.art import STYLES
from refimpl.nft.collection import save_collection
from refimpl.nft.pipeline import prepare_artwork

ROOT = Path(__file__).resolve().parents[1]
SIZE = 64


def main(out: Path = ROOT / "examples" / "collection") -> None:
    items = [
        prepare_artwork(token_id, seed=2024 + token_id, style=style, size=SIZE).item
        for token_id, style in enumerate(sorted(STYLES), start=1)
    ]
    save_collection(out, "ChainMind examples", items)
    print(f"wrote {len(items)} artworks to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples" / "collection")
