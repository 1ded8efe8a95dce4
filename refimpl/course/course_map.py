"""The course map: three parts built on one chain (a picture for lesson 00 and README).

Introduced in lesson 00. ``python -m refimpl.course.course_map docs/course_map.png``
redraws the README's copy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

__all__ = ["LESSONS", "Lesson", "draw_course_map"]


@dataclass(frozen=True)
class Lesson:
    """One lesson of the syllabus (COURSE.md §3)."""

    number: int
    title: str
    part: str  # "start", "chain", "market", "art", "capstone", "audit"
    builds: str  # the refimpl package it adds to


LESSONS = (
    Lesson(0, "welcome", "start", "refimpl.course"),
    Lesson(1, "hashing", "chain", "refimpl.crypto"),
    Lesson(2, "keys and signatures", "chain", "refimpl.crypto"),
    Lesson(3, "transactions and Merkle trees", "chain", "refimpl.chain"),
    Lesson(4, "blocks and proof of work", "chain", "refimpl.chain"),
    Lesson(5, "consensus and forks", "chain", "refimpl.chain"),
    Lesson(6, "miners are models", "market", "refimpl.market"),
    Lesson(7, "validators rank peers", "market", "refimpl.market"),
    Lesson(8, "Yuma Consensus", "market", "refimpl.market.yuma"),
    Lesson(9, "the market on chain", "market", "refimpl.market"),
    Lesson(10, "generative art", "art", "refimpl.art"),
    Lesson(11, "NFTs and provenance", "art", "refimpl.nft"),
    Lesson(12, "the minting pipeline", "art", "refimpl.nft"),
    Lesson(13, "capstone: an art subnet", "capstone", "refimpl.artnet"),
    Lesson(14, "an AI auditor for the chain", "audit", "refimpl.audit"),
    Lesson(15, "the market goes live", "capstone", "refimpl.net"),
)

_COLOURS = {
    "start": "#9e9e9e",
    "chain": "#3b6ea8",
    "market": "#d08c2e",
    "art": "#8e5bb5",
    "capstone": "#3a9a6a",
    "audit": "#c0504d",
}


def _box(ax, x, y, w, h, colour, title, lines):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=colour,
            edgecolor="none",
            alpha=0.92,
        )
    )
    ax.text(
        x + w / 2,
        y + h - 0.16,
        title,
        ha="center",
        va="top",
        fontsize=10.5,
        color="white",
        weight="bold",
    )
    for i, line in enumerate(lines):
        ax.text(
            x + 0.1,
            y + h - 0.5 - 0.27 * i,
            line,
            ha="left",
            va="top",
            fontsize=8.2,
            color="white",
        )


def _lines(part: str) -> list[str]:
    return [f"{le.number:02d} {le.title}" for le in LESSONS if le.part == part]


def draw_course_map():
    """A matplotlib Figure: Part I is the chain under everything else."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.6))
    fig.subplots_adjust(left=0, right=1, bottom=0, top=1)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 4.6)
    ax.axis("off")
    # Part I: the chain itself, one linked block per lesson, under everything else.
    chain = [le for le in LESSONS if le.part == "chain"]
    for i, lesson in enumerate(chain):
        x = 0.3 + i * 1.9
        ax.add_patch(plt.Rectangle((x, 0.3), 1.6, 0.75, color=_COLOURS["chain"]))
        if i:
            ax.annotate(
                "",
                (x, 0.67),
                (x - 0.3, 0.67),
                arrowprops={"arrowstyle": "<-", "color": _COLOURS["chain"], "lw": 2},
            )
        ax.text(
            x + 0.8,
            0.67,
            f"{lesson.number:02d}\n{lesson.title}",
            ha="center",
            va="center",
            fontsize=7.6,
            color="white",
            wrap=True,
        )
    ax.text(
        0.3,
        1.15,
        "Part I · a minimal blockchain that agrees with Bitcoin",
        fontsize=9.5,
        color=_COLOURS["chain"],
        weight="bold",
    )
    _box(
        ax,
        0.3,
        1.6,
        3.0,
        2.2,
        _COLOURS["market"],
        "Part II · the market",
        _lines("market"),
    )
    _box(
        ax,
        3.5,
        1.6,
        3.0,
        2.2,
        _COLOURS["art"],
        "Part III · AI art as NFTs",
        _lines("art"),
    )
    _box(ax, 6.7, 2.75, 3.0, 1.05, _COLOURS["capstone"], "Capstone", _lines("capstone"))
    _box(
        ax,
        6.7,
        1.6,
        3.0,
        1.05,
        _COLOURS["audit"],
        "AI audits the chain",
        _lines("audit"),
    )
    ax.text(
        5,
        4.3,
        "ChainMind: three parts, one chain  (start at 00 welcome)",
        ha="center",
        fontsize=12,
        weight="bold",
    )
    return fig


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import matplotlib

    matplotlib.use("Agg")
    draw_course_map().savefig(
        sys.argv[1] if len(sys.argv) > 1 else "course_map.png", dpi=110
    )
