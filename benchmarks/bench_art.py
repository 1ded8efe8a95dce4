"""Benchmark: rendering art (lesson 10).

Rows: (what, figure, unit, ratio vs baseline measured in the same run, baseline).
The CPPN's baseline is the same network evaluated pixel by pixel in plain Python
(``refimpl.art.render_cppn_loop``, same weights, same pixels). That loop renders a
32 x 32 image and its time is scaled per pixel to 256 x 256 (x64): rendering the full
image in Python would take about a minute. Everything runs at one torch thread; each
figure is the best of several runs (neighbouring jobs only ever slow a run down).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from refimpl.art import make_artwork, render, render_cppn_loop, to_png  # noqa: E402

SIZE = 256
LOOP_SIZE = 32


def _best_seconds(fn, repeats: int) -> float:
    """Best of ``repeats`` wall-clock runs (the least disturbed by neighbours)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> list[tuple[str, float, str, float, str]]:
    """Measure and return the table rows."""
    torch.set_num_threads(1)
    render(0, "classic", SIZE)  # warm up
    scale = (SIZE * SIZE) // (LOOP_SIZE * LOOP_SIZE)
    rows = []
    for style in ("classic", "sunset", "ink"):
        fast = _best_seconds(lambda st=style: render(1, st, SIZE), 7)
        loop = (
            _best_seconds(lambda st=style: render_cppn_loop(1, st, LOOP_SIZE), 2)
            * scale
        )
        rows.append(
            (
                f"render {SIZE}x{SIZE} '{style}' CPPN (float64, 1 thread)",
                fast * 1000,
                "ms",
                loop / fast,
                f"same CPPN, per-pixel Python loop, {LOOP_SIZE}x{LOOP_SIZE} x{scale} "
                f"= {loop:.0f} s",
            )
        )
    classic = rows[0][1] / 1000
    trained = _best_seconds(lambda: render(1, "shapes", SIZE), 7)
    rows.append(
        (
            f"render {SIZE}x{SIZE} 'shapes' trained model",
            trained * 1000,
            "ms",
            trained / classic,
            "'classic' CPPN render (ratio = its cost relative to that)",
        )
    )
    pixels = render(1, "classic", SIZE)
    png = _best_seconds(lambda: to_png(pixels), 7)
    rows.append(
        (
            f"PNG encode {SIZE}x{SIZE}",
            png * 1000,
            "ms",
            png / classic,
            "'classic' CPPN render",
        )
    )
    artwork = _best_seconds(lambda: make_artwork(1, "classic", SIZE), 5)
    rows.append(
        (
            "make_artwork (render + PNG + provenance)",
            artwork * 1000,
            "ms",
            artwork / classic,
            "'classic' CPPN render alone",
        )
    )
    return rows


def main() -> None:
    rows = run()
    print(f"{'what':<52} {'figure':>8} {'unit':<4} {'ratio':>7}  baseline")
    for what, figure, unit, ratio, base in rows:
        print(f"{what:<52} {figure:>8.1f} {unit:<4} {ratio:>7.2f}  {base}")


if __name__ == "__main__":
    main()
