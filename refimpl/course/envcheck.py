"""Is this environment ready for the course? ``python -m refimpl.course.envcheck``.

Introduced in lesson 00. Prints ``[OK]`` or ``[FAIL]`` for Python, for each package and
its version range (read from the installed course's own requirements), and for a smoke
run: a hash, a signature with py-ecc and a torch forward pass. Exits with 1 on any FAIL.
When asking for help, paste the whole output.
"""

from __future__ import annotations

import hashlib
import platform
import sys
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

__all__ = ["Line", "check_package", "main", "requirements", "run_checks"]

PYTHON_MIN = (3, 10)
DIST = "chainmind"
# Used when the course is not installed as a package (a plain checkout on sys.path).
FALLBACK = {
    "jupyterlab": ">=4.0",
    "ipywidgets": ">=8.0",
    "numpy": ">=1.24",
    "torch": ">=2.2",
    "py-ecc": ">=7.0",
    "matplotlib": ">=3.7",
    "pillow": ">=10.0",
    "packaging": ">=23",
    "fastapi": ">=0.110,<1",
    "uvicorn": ">=0.29,<1",
    "httpx": ">=0.27,<1",
    "nbclient": ">=0.9",
    "nbformat": ">=5.9",
}


@dataclass(frozen=True)
class Line:
    """One line of the report."""

    ok: bool
    what: str
    detail: str

    def __str__(self) -> str:
        return f"[{'OK' if self.ok else 'FAIL'}] {self.what}: {self.detail}"


def requirements() -> dict[str, str]:
    """The course's runtime requirements, ``{name: range}``, from its metadata."""
    try:
        reqs = metadata.requires(DIST) or []
    except metadata.PackageNotFoundError:
        return dict(FALLBACK)
    out = {}
    for text in reqs:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            out[req.name] = str(req.specifier)
    return out


def check_package(name: str, spec: str) -> Line:
    """``[OK]`` when ``name`` is installed at a version inside ``spec``."""
    try:
        version = metadata.version(name)
    except metadata.PackageNotFoundError:
        return Line(False, name, f"not installed (the course needs {name}{spec})")
    if not SpecifierSet(spec).contains(version, prereleases=True):
        return Line(False, name, f"{version} is outside the range {spec}")
    return Line(True, name, f"{version} ({spec or 'any version'})")


def _smoke(what: str, run: Callable[[], str]) -> Line:
    try:
        return Line(True, what, run())
    except Exception as error:  # the report must finish, whatever broke
        return Line(False, what, f"{type(error).__name__}: {error}")


def _hash() -> str:
    digest = hashlib.sha256(b"abc").hexdigest()
    assert digest.startswith("ba7816bf"), "sha256('abc') is wrong"
    return f"sha256('abc') = {digest[:16]}…"


def _sign() -> str:
    from py_ecc.secp256k1 import secp256k1 as curve

    msg = hashlib.sha256(b"chainmind").digest()
    priv = (1).to_bytes(32, "big")
    v, r, s = curve.ecdsa_raw_sign(msg, priv)
    assert curve.ecdsa_raw_recover(msg, (v, r, s)) == curve.privtopub(priv)
    return "signed and recovered a secp256k1 signature"


def _torch() -> str:
    import torch

    torch.manual_seed(0)
    layer = torch.nn.Linear(4, 2)
    out = layer(torch.ones(3, 4))
    assert tuple(out.shape) == (3, 2)
    return f"forward pass on {torch.device('cpu')}, output shape {tuple(out.shape)}"


def run_checks(reqs: dict[str, str] | None = None) -> list[Line]:
    """Every line of the report, in order."""
    version = platform.python_version()
    lines = [
        Line(
            sys.version_info[:2] >= PYTHON_MIN,
            "python",
            f"{version} (needs >={'.'.join(map(str, PYTHON_MIN))})",
        )
    ]
    for name, spec in sorted((reqs or requirements()).items()):
        lines.append(check_package(name, spec))
    lines.append(_smoke("smoke: hash", _hash))
    lines.append(_smoke("smoke: sign", _sign))
    lines.append(_smoke("smoke: torch", _torch))
    return lines


def main() -> int:
    print(f"ChainMind environment check ({platform.platform()})")
    lines = run_checks()
    for line in lines:
        print(line)
    failed = sum(not line.ok for line in lines)
    if failed:
        print(f"{failed} check(s) failed: see README.md, 'Troubleshooting'.")
        return 1
    print("All good: you are ready for the course.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
