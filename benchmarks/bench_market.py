"""A full lesson-09 market run against the 90 s budget of a training lesson.

Rows: (what, figure, unit, ratio vs baseline, baseline description).

* Training the ten standard miners (lesson 06's cost, paid again in lesson 09).
* The market on chain: setup (registrations, stake, first epoch) plus
  ``LESSON_EPOCHS`` epochs of scoring, signed ``set_weights`` and mined blocks.
* The whole run, with the ratio against the 90 s lesson budget (below 1 is
  inside it). One thread, as in the lessons. Run as a script to print the table.
* ``split_tokens`` of ``MAX_AMOUNT`` over 256 float shares against the same split
  of 1,000 tokens: exact integer arithmetic takes the same time whatever the
  amount (the float version it replaced looped once per leftover unit, about
  2**64 times near ``MAX_AMOUNT``).
"""

from __future__ import annotations

import time

import numpy as np
import torch

from refimpl.chain.transaction import MAX_AMOUNT
from refimpl.market.miners import standard_miners
from refimpl.market.simulation import Market
from refimpl.market.subnet import split_tokens
from refimpl.market.task import Task

Row = tuple[str, float, str, float, str]

LESSON_EPOCHS = 12  # lesson 09 runs this many epochs
BUDGET_S = 90.0


def _split_row(repeat: int = 50) -> Row:
    shares = np.random.RandomState(0).rand(256)

    def best(pool: int) -> float:
        fastest = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            split_tokens(pool, shares)
            fastest = min(fastest, time.perf_counter() - t)
        return fastest

    small, huge = best(1000), best(MAX_AMOUNT)
    return (
        "split_tokens(MAX_AMOUNT, 256 shares)",
        huge * 1e3,
        "ms",
        huge / small,
        "the same split of 1,000 tokens",
    )


def run() -> list[Row]:
    split = _split_row()
    torch.set_num_threads(1)
    start = time.perf_counter()
    task = Task()
    miners = standard_miners(task)
    trained = time.perf_counter()
    market = Market(task=task, miners=miners)
    market.run(LESSON_EPOCHS)
    done = time.perf_counter()
    train_s, market_s, total_s = trained - start, done - trained, done - start
    blocks = market.chain.height
    return [
        ("train 10 miners", train_s, "s", train_s / BUDGET_S, "90 s lesson budget"),
        (
            f"market on chain, {LESSON_EPOCHS} epochs ({blocks} blocks)",
            market_s,
            "s",
            market_s / BUDGET_S,
            "90 s lesson budget",
        ),
        ("full lesson-09 run", total_s, "s", total_s / BUDGET_S, "90 s lesson budget"),
        split,
    ]


if __name__ == "__main__":
    for what, fig, unit, ratio, base in run():
        print(f"{what:45s} {fig:10.2f} {unit:4s} {ratio:8.3f}x  vs {base}")
