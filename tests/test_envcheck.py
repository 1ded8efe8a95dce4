"""The environment check: all OK here, FAIL for missing or out-of-range packages."""

import subprocess
import sys

from refimpl.course import envcheck


def test_all_ok_in_the_course_environment():
    run = subprocess.run(
        [sys.executable, "-m", "refimpl.course.envcheck"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("[OK] python:") for line in lines)
    for name in ("numpy", "torch", "py-ecc", "jupyterlab", "smoke: torch"):
        assert any(line.startswith(f"[OK] {name}") for line in lines), name
    assert "[FAIL]" not in run.stdout


def test_requirements_come_from_the_package():
    reqs = envcheck.requirements()
    assert {"numpy", "torch", "py-ecc", "jupyterlab", "pillow"} <= set(reqs)
    assert "pytest" not in reqs  # test extras are not runtime requirements


def test_missing_package_fails():
    line = envcheck.check_package("surely-not-a-real-package-xyz", ">=1.0")
    assert (
        not line.ok and str(line).startswith("[FAIL]") and "not installed" in str(line)
    )


def test_out_of_range_package_fails():
    line = envcheck.check_package("numpy", ">=999")
    assert not line.ok and "outside the range >=999" in str(line)
    assert envcheck.check_package("numpy", ">=1.0").ok


def test_exit_code_is_one_on_any_fail(monkeypatch, capsys):
    monkeypatch.setattr(envcheck, "requirements", lambda: {"numpy": "<1.0"})
    assert envcheck.main() == 1
    out = capsys.readouterr().out
    assert "[FAIL] numpy" in out and "Troubleshooting" in out


def test_fallback_ranges_are_pyprojects_dependencies():
    """The plain-checkout fallback lists exactly the runtime requirements."""
    import pathlib

    import pytest
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    root = pathlib.Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    deps = project["dependencies"]
    wanted = {Requirement(d).name: str(Requirement(d).specifier) for d in deps}
    assert {k: str(SpecifierSet(v)) for k, v in envcheck.FALLBACK.items()} == wanted
