"""Bit-exactness across code paths: scalar vs vector kernels, MKL modes, numpy's BLAS.

Each configuration renders every style in a fresh process; the raw-pixel hashes must
equal this process's. (``ATEN_CPU_CAPABILITY=default`` forces torch's scalar kernels
for tanh/sin/exp; ``MKL_CBWR=COMPATIBLE`` forces MKL's most portable code path.)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import refimpl.art as art
from refimpl.art.cppn import CPPN_STYLES, cppn_latent, cppn_weights

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = (
    "import json, torch\n"
    "torch.set_num_threads({threads})\n"
    "import refimpl.art as art\n"
    "hashes = {{s: art.pixel_sha256(art.render(5, s, 96)) for s in art.STYLES}}\n"
    "print(json.dumps(hashes))"
)


def _here() -> dict[str, str]:
    torch.set_num_threads(1)
    return {s: art.pixel_sha256(art.render(5, s, 96)) for s in art.STYLES}


@pytest.mark.parametrize(
    ("env", "threads"),
    [
        ({"ATEN_CPU_CAPABILITY": "default", "MKL_CBWR": "COMPATIBLE"}, 1),
        ({}, 2),
    ],
    ids=["scalar-kernels-mkl-compatible", "fresh-process-2-threads"],
)
def test_other_code_paths_give_the_same_pixels(env, threads):
    full_env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", PYTHONPATH=str(ROOT), **env)
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(threads=threads)],
        env=full_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert json.loads(out) == _here()


def _numpy_render(seed: int, style: str, size: int) -> np.ndarray:
    """The CPPN with numpy only (its own BLAS and its own tanh/sin/exp)."""
    spec = CPPN_STYLES[style]
    axis = (2.0 * np.arange(size) + 1.0) / size - 1.0
    y, x = np.meshgrid(axis, axis, indexing="ij")
    r = np.sqrt(x * x + y * y)
    coords = np.stack([x, y, r], axis=-1).reshape(-1, 3) * spec.zoom
    h = np.concatenate([coords, np.tile(cppn_latent(seed, style), (size * size, 1))], 1)
    acts = {"tanh": np.tanh, "sin": np.sin, "gauss": lambda v: np.exp(-(v * v))}
    layers = cppn_weights(seed, style)
    for k, (w, b) in enumerate(layers):
        h = h @ w.T + b
        if k < len(layers) - 1:
            h = acts[spec.activations[k]](h)
    t = 1.0 / (1.0 + np.exp(-h))
    if spec.palette is not None:
        a, bb, c, d = (np.array(p) for p in spec.palette)
        t = a + bb * np.cos(2.0 * math.pi * (c * t + d))
    q = np.floor(np.clip(t, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return q.reshape(size, size, 3)


@pytest.mark.parametrize("style", list(CPPN_STYLES))
def test_numpy_implementation_gives_the_same_pixels(style):
    torch.set_num_threads(1)
    assert np.array_equal(_numpy_render(8, style, 128), art.render(8, style, 128))
