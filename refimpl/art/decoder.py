"""A small trained generator: a decoder that learned to paint discs, squares, stripes.

Introduced in lesson 10. ``scripts/train_art_model.py`` trains a tiny convolutional
decoder on :func:`refimpl.art.shapes.make_shapes`: from a code describing a picture
(kind, colours, place, size, angle) it learns to paint the 16 x 16 picture. Its weights
(float32, ``weights/shapes_decoder.npz``) ship with the course. Generating is
``decoder(code)`` with the code drawn from SHA-256 of the seed, run in float64 and
quantised to uint8, so an image is bit-exact from (weights, seed) on any CPU.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

from refimpl.art.arguments import check_seed, check_size
from refimpl.art.errors import ArtError
from refimpl.art.modelfile import read_weights, weights_sha256
from refimpl.art.pixels import quantize
from refimpl.art.shapes import CODE_SIZE, encode_shapes, shape_params_from_seed

__all__ = [
    "MODEL_NAME",
    "NATIVE_SIZE",
    "SHIPPED_WEIGHTS",
    "SHIPPED_WEIGHTS_SHA256",
    "ShapesDecoder",
    "TrainedModel",
    "check_model",
    "load_model",
    "render_trained",
    "shapes_code",
]

MODEL_NAME = "shapes"
NATIVE_SIZE = 16
SHIPPED_WEIGHTS = Path(__file__).with_name("weights") / "shapes_decoder.npz"
# weights_sha256() of the shipped file; the training script prints it.
SHIPPED_WEIGHTS_SHA256 = (
    "6bc106fa05488b26d7f48f15827204f5e0125e0ef9bf60eee0705189e967a87d"
)


class ShapesDecoder(nn.Module):
    """A code (CODE_SIZE) -> a 3 x 16 x 16 picture in ``[0, 1]`` (pixel art).

    Linear to 32 x 4 x 4, then twice (nearest upsample x2 by repeating rows and
    columns, 3x3 conv, ReLU) to 16 x 16 x 16, then a 3x3 conv to RGB and a sigmoid.
    Before every conv the pixel-centre coordinates ``x, y`` and the code itself are
    appended as extra channels ("CoordConv", Liu et al. 2018), so each conv knows
    where it is and what it is drawing.
    """

    def __init__(self) -> None:
        super().__init__()
        extra = 2 + CODE_SIZE
        self.fc = nn.Linear(CODE_SIZE, 32 * 4 * 4)
        self.conv1 = nn.Conv2d(32 + extra, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32 + extra, 16, 3, padding=1)
        self.out = nn.Conv2d(16 + extra, 3, 3, padding=1)

    @staticmethod
    def _with_extra(h: torch.Tensor, code: torch.Tensor) -> torch.Tensor:
        n, side = h.shape[0], h.shape[-1]
        axis = (2.0 * torch.arange(side, dtype=h.dtype) + 1.0) / side - 1.0
        y, x = torch.meshgrid(axis, axis, indexing="ij")
        coords = torch.stack([x, y]).expand(n, -1, -1, -1)
        codes = code[:, :, None, None].expand(-1, -1, side, side)
        return torch.cat([h, coords, codes], dim=1)

    def forward(self, code: torch.Tensor) -> torch.Tensor:
        _check_codes(code, self.fc.weight.dtype)
        h = torch.relu(self.fc(code)).view(-1, 32, 4, 4)
        for conv in (self.conv1, self.conv2):
            h = h.repeat_interleave(2, 2).repeat_interleave(2, 3)
            h = torch.relu(conv(self._with_extra(h, code)))
        return torch.sigmoid(self.out(self._with_extra(h, code)))


def _check_codes(codes: object, dtype: torch.dtype | None = None) -> None:
    """Codes are a floating-point tensor (n >= 1, CODE_SIZE), of ``dtype`` if given."""
    if (
        not isinstance(codes, torch.Tensor)
        or not codes.is_floating_point()
        or codes.ndim != 2
        or codes.shape[0] < 1
        or codes.shape[1] != CODE_SIZE
        or (dtype is not None and codes.dtype != dtype)
    ):
        got = (
            f"{codes.dtype} of shape {tuple(codes.shape)}"
            if isinstance(codes, torch.Tensor)
            else type(codes).__name__
        )
        kind = "floating-point" if dtype is None else str(dtype)
        raise ArtError(
            f"codes must be a {kind} tensor of shape (n >= 1, {CODE_SIZE}), got {got}"
        )


class TrainedModel:
    """The decoder in float64 (eval mode) and the hash of the weights it came from."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        digest = weights_sha256(arrays)  # names to numpy arrays, else an ArtError
        decoder = ShapesDecoder()
        expected = {k: tuple(v.shape) for k, v in decoder.state_dict().items()}
        found = {k: tuple(v.shape) for k, v in arrays.items()}
        if found != expected:
            raise ArtError(
                "weights do not fit the shapes decoder: expected tensors "
                f"{sorted(expected)} with their shapes"
            )
        for name, v in arrays.items():
            if not np.issubdtype(v.dtype, np.floating) or not np.isfinite(v).all():
                raise ArtError(f"weights {name!r} must be finite floating-point values")
        self.weights_sha256 = digest
        state = {
            k: torch.from_numpy(np.array(v, dtype=np.float64))
            for k, v in arrays.items()
        }
        decoder.load_state_dict(state)
        self.decoder = decoder.double().eval()

    def generate(self, codes: torch.Tensor) -> torch.Tensor:
        """Pictures (n, 16, 16, 3) float64 in ``[0, 1]`` for codes (n, CODE_SIZE)."""
        _check_codes(codes)
        with torch.no_grad():
            return self.decoder(codes.to(torch.float64)).permute(0, 2, 3, 1)


def load_model(path: str | Path | None = None) -> TrainedModel:
    """The trained model; ``path=None`` loads the shipped weights and checks their hash.

    A shipped file whose hash is not :data:`SHIPPED_WEIGHTS_SHA256` is refused. Any
    other path is loaded as is (its hash is kept on the model for provenance).
    """
    if path is not None and not isinstance(path, str | Path):
        raise ArtError(f"a weights path is a str, a Path or None, got {path!r}")
    if path is None:
        return _shipped_model()
    return TrainedModel(read_weights(path))


@lru_cache(maxsize=1)
def _shipped_model() -> TrainedModel:
    model = TrainedModel(read_weights(SHIPPED_WEIGHTS))
    if model.weights_sha256 != SHIPPED_WEIGHTS_SHA256:
        raise ArtError(
            f"{SHIPPED_WEIGHTS.name} has weights hash {model.weights_sha256[:16]}..., "
            f"not the published {SHIPPED_WEIGHTS_SHA256[:16]}...: the file was changed"
        )
    return model


def shapes_code(seed: int) -> np.ndarray:
    """The model's input for ``seed`` (1 x CODE_SIZE): a picture description drawn
    from SHA-256 of the seed by :func:`refimpl.art.shapes.shape_params_from_seed`."""
    return encode_shapes(shape_params_from_seed(check_seed(seed)))


def check_model(model: object) -> TrainedModel | None:
    """``model`` if it is ``None`` (the shipped weights) or a :class:`TrainedModel`."""
    if model is not None and not isinstance(model, TrainedModel):
        raise ArtError(
            "model must be a TrainedModel (see load_model) or None, "
            f"got {type(model).__name__}"
        )
    return model


def render_trained(
    seed: int, size: int, model: TrainedModel | None = None
) -> np.ndarray:
    """A ``(size, size, 3)`` uint8 picture: decode at 16 x 16, then nearest upscale.

    The upscale picks source pixel ``(i * 16) // size``: integer arithmetic, exact.
    """
    seed, size, model = check_seed(seed), check_size(size), check_model(model)
    model = model or load_model()
    small = quantize(model.generate(torch.from_numpy(shapes_code(seed)))[0])
    index = (np.arange(size) * NATIVE_SIZE) // size
    return np.ascontiguousarray(small[index][:, index])
