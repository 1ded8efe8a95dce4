"""`make lab` works: JupyterLab starts headless, answers its API, serves lesson 00.

Issue 3: start the server on a free loopback port with a token, get a 200 from its
API, open lesson 00 through the contents API, and stop it cleanly (no process left).
The real-browser test that runs the lessons lives in tests/browser/.
"""

from __future__ import annotations

import importlib.util
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LESSON_00 = "lessons/00_welcome.ipynb"

_spec = importlib.util.spec_from_file_location(
    "chainmind_labserver", Path(__file__).parent / "browser" / "labserver.py"
)
labserver = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(labserver)


def test_lab_server_serves_lesson_00() -> None:
    if not (REPO / LESSON_00).is_file():
        pytest.skip(f"{LESSON_00} does not exist yet")
    server = labserver.LabServer(REPO)
    server.start()
    pid = server.proc.pid
    try:
        assert server.url.startswith("http://127.0.0.1:")
        # Without the token the API refuses: the server is not open to anyone.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"{server.url}/api/contents", timeout=30)
        assert refused.value.code == 403

        status, about = server.get("/api")
        assert status == 200, about
        assert "version" in about

        status, model = server.get(f"/api/contents/{LESSON_00}?content=1")
        assert status == 200, model
        assert model["type"] == "notebook"
        assert model["path"] == LESSON_00
        on_disk = json.loads((REPO / LESSON_00).read_text(encoding="utf-8"))
        assert model["content"]["cells"][0]["source"] == "".join(
            on_disk["cells"][0]["source"]
        )
        assert len(model["content"]["cells"]) == len(on_disk["cells"])
        assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"

        # The kernel named by the lesson exists on this server.
        status, specs = server.get("/api/kernelspecs")
        assert status == 200 and "python3" in specs["kernelspecs"]
    finally:
        code = server.stop()
    assert code == 0, f"server exited with {code}"
    assert not Path(f"/proc/{pid}").exists() or not Path("/proc/self").exists()
