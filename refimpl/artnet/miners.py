"""Art miners: generators of different skill and honesty.

Each epoch a miner answers the subnet's brief with one :class:`Submission`: a
``(32, 32, 3)`` uint8 image and, when it came from :mod:`refimpl.art`, the
``(style, seed)`` that re-renders it. The cast (:func:`standard_art_miners`):

``curator``  renders four ``sunset`` seeds and sends the warmest (skill = search)
``sunset``   one ``sunset`` render per epoch (the style that suits the brief)
``shapes``   the small trained decoder of lesson 10
``classic``  the classic CPPN (any colours: sometimes on brief, often not)
``ink``      greyscale ink: honest work, but off the brief
``lazy``     a blank canvas
``spammer``  fresh uniform noise
``copier``   re-submits the curator's image of the same epoch

Seeds are readable: ``10_000 * (uid + 1) + 100 * epoch + k``. Introduced in
lesson 13.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from refimpl.art import render, to_png
from refimpl.artnet.critic import IMAGE_SIZE
from refimpl.artnet.errors import ArtNetError
from refimpl.nft import cid_v1

__all__ = ["ArtMiner", "Submission", "image_cid", "miner_seed", "standard_art_miners"]

KINDS = ("artist", "curator", "lazy", "spammer", "copier")


def image_cid(pixels: np.ndarray) -> str:
    """The CIDv1 of the image's PNG (``cid_v1(to_png(pixels))``): the content id the
    duplicate detector compares and the NFT registry mints. Introduced in lesson 13."""
    return cid_v1(to_png(np.ascontiguousarray(pixels, dtype=np.uint8)))


def miner_seed(uid: int, epoch: int, k: int = 0) -> int:
    """The ``k``-th seed miner ``uid`` tries in ``epoch`` (readable on purpose)."""
    return 10_000 * (uid + 1) + 100 * epoch + k


@dataclass(frozen=True, eq=False)
class Submission:
    """One miner's answer for one epoch. ``style``/``seed`` are ``None`` when the
    image did not come from :func:`refimpl.art.render` (noise, a blank canvas)."""

    uid: int
    epoch: int
    pixels: np.ndarray
    style: str | None = None
    seed: int | None = None
    cid: str = field(default="")

    def __post_init__(self) -> None:
        if not self.cid:
            object.__setattr__(self, "cid", image_cid(self.pixels))


@dataclass(frozen=True)
class ArtMiner:
    """A miner: ``kind`` is one of artist, curator, lazy, spammer, copier.

    ``style`` is what an artist or curator renders; ``tries`` how many seeds a
    curator compares; ``target`` the name of the miner a copier copies.
    """

    name: str
    kind: str
    style: str | None = None
    tries: int = 1
    target: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ArtNetError(f"unknown miner kind {self.kind!r}; one of {KINDS}")

    def submit(
        self, uid: int, epoch: int, earlier: dict[str, Submission] | None = None
    ) -> Submission:
        """This epoch's submission. ``earlier`` maps the names of miners that
        answered before (a copier reads its target there)."""
        size = IMAGE_SIZE
        if self.kind == "lazy":
            return Submission(uid, epoch, np.zeros((size, size, 3), np.uint8))
        if self.kind == "spammer":
            rng = np.random.RandomState(miner_seed(uid, epoch))
            noise = rng.randint(0, 256, (size, size, 3)).astype(np.uint8)
            return Submission(uid, epoch, noise)
        if self.kind == "copier":
            src = (earlier or {}).get(self.target or "")
            if src is None:  # nothing to copy yet: send a blank canvas
                return Submission(uid, epoch, np.zeros((size, size, 3), np.uint8))
            return Submission(uid, epoch, src.pixels.copy(), src.style, src.seed)
        assert self.style is not None
        seeds = [miner_seed(uid, epoch, k) for k in range(self.tries)]
        images = [render(s, self.style, size) for s in seeds]
        best = max(range(len(seeds)), key=lambda i: (_warmth(images[i]), -i))
        return Submission(uid, epoch, images[best], self.style, seeds[best])


def _warmth(pixels: np.ndarray) -> float:
    """The curator's own rough taste: mean of red minus blue."""
    x = pixels.astype(np.float64)
    return float((x[..., 0] - x[..., 2]).mean())


def standard_art_miners() -> list[ArtMiner]:
    """The course's eight miners, in uid order (see the module docstring)."""
    return [
        ArtMiner("curator", "curator", "sunset", tries=4),
        ArtMiner("sunset", "artist", "sunset"),
        ArtMiner("shapes", "artist", "shapes"),
        ArtMiner("classic", "artist", "classic"),
        ArtMiner("ink", "artist", "ink"),
        ArtMiner("lazy", "lazy"),
        ArtMiner("spammer", "spammer"),
        ArtMiner("copier", "copier", target="curator"),
    ]
