"""The shipped model's weights come from the course's own training script.

Re-running the whole training takes a minute or two, so this test re-runs its first
epoch and compares with the hash the full run recorded after that epoch (in
``refimpl/art/weights/shapes_decoder.json``): same data, same initial weights, same
batch order, same kernels. Training is only promised to repeat bit for bit on the same
torch version and CPU kind (float32 sums are rounded differently by other kernels, and
training amplifies that), so elsewhere the test is skipped and the shipped file,
pinned by its hash in ``test_art.py``, is the artefact.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from refimpl.art import decoder, modelfile

ROOT = Path(__file__).resolve().parents[1]
NOTE = decoder.SHIPPED_WEIGHTS.with_suffix(".json")


def test_note_matches_the_shipped_weights():
    note = json.loads(NOTE.read_text())
    arrays = modelfile.read_weights(decoder.SHIPPED_WEIGHTS)
    assert note["weights_sha256"] == modelfile.weights_sha256(arrays)
    assert note["weights_sha256"] == decoder.SHIPPED_WEIGHTS_SHA256
    assert note["script"] == "scripts/train_art_model.py"


def test_first_epoch_of_training_is_reproduced(tmp_path):
    note = json.loads(NOTE.read_text())
    here = (torch.__version__, torch.backends.cpu.get_cpu_capability())
    if here != (note["torch"], note["cpu_capability"]):
        pytest.skip(f"weights were trained on {note['torch']}/{note['cpu_capability']}")
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", PYTHONPATH=str(ROOT))
    subprocess.run(
        [sys.executable, "scripts/train_art_model.py", "--out", str(tmp_path)]
        + ["--epochs", "1"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    arrays = modelfile.read_weights(tmp_path / "shapes_decoder.npz")
    assert modelfile.weights_sha256(arrays) == note["weights_sha256_after_epoch_1"]
