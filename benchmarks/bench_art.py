"""Benchmark: rendering art (lesson 10).

Rows: (what, figure, unit, ratio vs baseline measured in the same run, baseline).
The CPPN's baseline is the same network evaluated pixel by pixel in plain Python
(``refimpl.art.render_cppn_loop``, same weights, same pixels). That loop renders a
32 x 32 image and its time is scaled per pixel to 256 x 256 (x64): rendering the full
image in Python would take about a minute. Everything runs at one torch thread.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402

from refimpl.art import make_artwork, render, render_cppn_loop, to_png  # noqa: E402

SIZE = 256
LOOP_SIZE = 32


def _median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def run() -> list[tuple[str, float, str, float, str]]:
    """Measure and return the table rows."""
    torch.set_num_threads(1)
    render(0, "classic", SIZE)  # warm up
    loop_s = _median_seconds(lambda: render_cppn_loop(1, "classic", LOOP_SIZE), 3)
    loop_per_image = loop_s * (SIZE * SIZE) / (LOOP_SIZE * LOOP_SIZE)
    baseline = (
        f"per-pixel Python loop, same weights, {LOOP_SIZE}x{LOOP_SIZE} scaled x"
        f"{SIZE * SIZE // (LOOP_SIZE * LOOP_SIZE)} ({loop_per_image:.1f} s/image)"
    )
    rows = []
    for style in ("classic", "sunset", "ink", "shapes"):
        s = _median_seconds(lambda st=style: render(1, st, SIZE), 7)
        ratio = loop_per_image / s if style != "shapes" else float("nan")
        rows.append(
            (
                f"render {SIZE}x{SIZE} '{style}' (float64, 1 thread)",
                s * 1000,
                "ms",
                ratio,
                baseline if style != "shapes" else "n/a (trained model)",
            )
        )
    pixels = render(1, "classic", SIZE)
    png_s = _median_seconds(lambda: to_png(pixels), 7)
    rows.append((f"PNG encode {SIZE}x{SIZE}", png_s * 1000, "ms", float("nan"), "n/a"))
    art_s = _median_seconds(lambda: make_artwork(1, "classic", SIZE), 5)
    render_s = rows[0][1] / 1000
    rows.append(
        (
            "make_artwork (render + PNG + provenance)",
            art_s * 1000,
            "ms",
            art_s / render_s,
            "render alone (ratio = overhead factor)",
        )
    )
    return rows


def main() -> None:
    rows = run()
    print(f"{'what':<48} {'figure':>10} {'unit':<5} {'ratio':>8}  baseline")
    for what, figure, unit, ratio, base in rows:
        print(f"{what:<48} {figure:>10.1f} {unit:<5} {ratio:>8.1f}  {base}")


if __name__ == "__main__":
    main()
