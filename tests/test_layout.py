"""The package's shape, as CONTRIBUTING.md's conventions page states it.

Layers: crypto <- chain <- market, nft <- art; audit and net read the others; course
imports only what it checks. No module calls another module's private names.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "refimpl"

# package -> the refimpl packages it may import (besides itself and boundedjson)
ALLOWED = {
    "crypto": set(),
    "chain": {"crypto"},
    "art": set(),
    "market": {"crypto", "chain"},
    "nft": {"crypto", "chain", "art"},
    "artnet": {"crypto", "chain", "market", "nft", "art"},
    "audit": {"crypto", "chain", "market", "nft", "art"},
    "net": {"crypto", "chain", "market", "nft", "art"},
}
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def _imports(path: pathlib.Path) -> list[tuple[str, list[str]]]:
    """(absolute module, imported names) for every import in one module."""
    pkg_parts = path.relative_to(ROOT.parent).with_suffix("").parts[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(pkg_parts[: len(pkg_parts) - node.level + 1])
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return found


def _modules(pkg: str) -> list[pathlib.Path]:
    return sorted((ROOT / pkg).rglob("*.py"))


def test_every_package_has_a_rule() -> None:
    missing = set(PACKAGES) - set(ALLOWED) - {"course"}
    assert not missing, f"add {sorted(missing)} to ALLOWED and to CONTRIBUTING.md"


@pytest.mark.parametrize("pkg", sorted(ALLOWED))
def test_no_package_reaches_up(pkg: str) -> None:
    for path in _modules(pkg):
        for module, _ in _imports(path):
            parts = module.split(".")
            if parts[0] != "refimpl" or len(parts) < 2:
                continue
            other = parts[1]
            if other in (pkg, "boundedjson"):
                continue
            assert other in ALLOWED[pkg], (
                f"{path.relative_to(ROOT)} imports refimpl.{other}, "
                f"above {pkg} in the layers"
            )


@pytest.mark.parametrize("pkg", PACKAGES)
def test_no_module_imports_another_modules_private_names(pkg: str) -> None:
    for path in _modules(pkg):
        for module, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if not module.startswith("refimpl") or not private:
                continue
            # a package's own private helper module (e.g. checks/_pure.py) is fine
            # inside that package; a private name from another module is not.
            assert module.rsplit(".", 1)[-1].startswith("_") or not private, (
                f"{path.relative_to(ROOT)} imports private {private} from {module}"
            )


def test_no_module_calls_another_packages_private_attributes() -> None:
    """``registry._emit(...)`` from the marketplace was the old smell: a call of
    ``x._name(...)`` whose ``_name`` is not defined in the calling module itself."""
    offenders = []
    for pkg in ALLOWED:
        for path in _modules(pkg):
            tree = ast.parse(path.read_text())
            defs = (ast.FunctionDef, ast.AsyncFunctionDef)
            own = {n.name for n in ast.walk(tree) if isinstance(n, defs)}
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                fn = node.func
                if (
                    isinstance(fn, ast.Attribute)
                    and fn.attr.startswith("_")
                    and not fn.attr.startswith("__")
                    and fn.attr not in own
                    and not (isinstance(fn.value, ast.Name) and fn.value.id == "os")
                ):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    offenders.append(f"{where} calls .{fn.attr}")
    assert not offenders, offenders
