"""Run every benchmark (``make bench``) and print one table.

Each ``benchmarks/bench_*.py`` has ``run()`` returning rows
``(what, figure, unit, ratio, baseline)``: the ratio is against a baseline measured in
the same run, because absolute speeds move with the machine and its neighbours.
``python benchmarks/run.py chain yuma`` runs only the named ones.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(names: list[str]) -> int:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    paths = sorted(HERE.glob("bench_*.py"))
    if names:
        paths = [p for p in paths if p.stem.removeprefix("bench_") in names]
    print(f"{'benchmark':<52} {'figure':>12} {'unit':<8} {'ratio':>8}  baseline")
    print("-" * 110)
    failed = 0
    for path in paths:
        start = time.perf_counter()
        try:
            rows = _load(path).run()
        except Exception as error:  # report and go on: one broken bench hides no other
            print(f"{path.stem}: FAILED ({type(error).__name__}: {error})")
            failed += 1
            continue
        for what, figure, unit, ratio, baseline in rows:
            ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
            print(f"{what:<52} {figure:>12.4g} {unit:<8} {ratio_text:>8}  {baseline}")
        print(f"  ({path.stem} took {time.perf_counter() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
