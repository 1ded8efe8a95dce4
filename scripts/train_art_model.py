"""Train the course's small generative model and write its weights.

Used by lesson 10. A tiny convolutional decoder learns to paint the discs, squares and
stripes drawn by ``refimpl.art.shapes.make_shapes`` from their descriptions; its
weights (float32) go to ``refimpl/art/weights/shapes_decoder.npz``, with a JSON note
of how they were made.

Deterministic: numpy's PCG64 draws the data, ``torch.manual_seed`` the initial weights
and the batch order, and one thread fixes the order of every sum. Re-running on the same
torch version and CPU kind (``torch.backends.cpu.get_cpu_capability()``) reproduces the
weights bit for bit; another CPU kind may round a few float32 sums differently, and
training amplifies that, so the shipped file (pinned by its hash) is the artefact.

    python scripts/train_art_model.py            # writes the shipped files
    python scripts/train_art_model.py --out DIR  # writes DIR/shapes_decoder.npz, .json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

from refimpl.art.decoder import SHIPPED_WEIGHTS, ShapesDecoder
from refimpl.art.modelfile import weights_sha256, write_weights
from refimpl.art.shapes import make_shapes

DATA_SEED = 0
TORCH_SEED = 10
N_PICTURES = 4096
EPOCHS = 12
BATCH = 64
LR = 4e-3


def _arrays(decoder: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.detach().numpy().copy() for k, v in decoder.state_dict().items()}


def train(epochs: int = EPOCHS) -> tuple[dict[str, np.ndarray], dict]:
    """Train the decoder; return its float32 arrays and a summary.

    The summary records the weights hash after the first epoch too, so a test can
    check the procedure is reproducible without paying for the whole run.
    """
    torch.set_num_threads(1)
    torch.manual_seed(TORCH_SEED)
    pictures, codes = make_shapes(N_PICTURES, DATA_SEED)
    data, inputs = torch.from_numpy(pictures), torch.from_numpy(codes)
    decoder = ShapesDecoder()
    optimizer = torch.optim.Adam(decoder.parameters(), lr=LR)
    order = torch.Generator().manual_seed(TORCH_SEED)
    start = time.perf_counter()
    after_first = None
    for epoch in range(epochs):
        total = 0.0
        for idx in torch.randperm(N_PICTURES, generator=order).split(BATCH):
            x = data[idx]
            loss = nn.functional.mse_loss(decoder(inputs[idx]), x)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * x.shape[0]
        if epoch == 0:
            after_first = weights_sha256(_arrays(decoder))
    arrays = _arrays(decoder)
    summary = {
        "model": "shapes decoder",
        "script": "scripts/train_art_model.py",
        "data": f"make_shapes({N_PICTURES}, seed={DATA_SEED})",
        "torch_seed": TORCH_SEED,
        "epochs": epochs,
        "batch": BATCH,
        "lr": LR,
        "threads": 1,
        "torch": torch.__version__,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "final_epoch_loss": round(total / N_PICTURES, 4),
        "weights_sha256": weights_sha256(arrays),
        "weights_sha256_after_epoch_1": after_first,
        "seconds": round(time.perf_counter() - start, 1),
    }
    return arrays, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=SHIPPED_WEIGHTS.parent)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    args = parser.parse_args()
    arrays, summary = train(args.epochs)
    args.out.mkdir(parents=True, exist_ok=True)
    write_weights(args.out / "shapes_decoder.npz", arrays)
    note = {k: v for k, v in summary.items() if k != "seconds"}
    (args.out / "shapes_decoder.json").write_text(json.dumps(note, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
