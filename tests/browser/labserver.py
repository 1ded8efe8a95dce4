"""A headless JupyterLab server on a free loopback port, for the course's tests.

Used by ``tests/test_lab_server.py`` (issue 3: the server answers its API and serves
lesson 00) and by the real-browser test in ``tests/browser/`` (issue 7).

The server runs with a random token, listens on 127.0.0.1 only, keeps its runtime,
settings and workspace files in a private temporary directory (so a learner's own
JupyterLab set-up neither leaks in nor gets written to) and never reaches out to
the network (no news feed, no update check). ``stop()`` asks the server to shut
down through its REST API (``POST /api/shutdown``, which also shuts down every
kernel it started) and then checks that no process of it is left.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

__all__ = ["LabServer", "LabServerError", "free_loopback_port"]

# Lab settings that make the UI deterministic for a driven browser: no news toast,
# no update check, and every notebook cell attached to the page (JupyterLab 4
# otherwise virtualises cells that are out of view, so a test could not see them).
LAB_SETTINGS: dict[str, dict[str, Any]] = {
    "@jupyterlab/apputils-extension/notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
}


class LabServerError(RuntimeError):
    """The server did not start, did not answer, or did not stop cleanly."""


def free_loopback_port() -> int:
    """Return a TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LabServer:
    """``jupyter lab`` serving ``root_dir`` headless on a free loopback port."""

    def __init__(self, root_dir: Path, *, startup_timeout: float = 90.0) -> None:
        self.root_dir = Path(root_dir).resolve()
        self.startup_timeout = startup_timeout
        self.token = secrets.token_hex(24)
        self.port = 0
        self.home = Path(tempfile.mkdtemp(prefix="chainmind-lab-"))
        self.log_path = self.home / "server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    # -- lifecycle -------------------------------------------------------------
    def __enter__(self) -> LabServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            OMP_WAIT_POLICY="PASSIVE",
            PYTHONUNBUFFERED="1",
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTERLAB_SETTINGS_DIR=str(self.home / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "workspaces"),
            JUPYTER_PLATFORM_DIRS="1",
        )
        env.pop("JUPYTER_TOKEN", None)
        return env

    def _write_settings(self) -> None:
        for name, values in LAB_SETTINGS.items():
            path = self.home / "settings" / f"{name}.jupyterlab-settings"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values, indent=2), encoding="utf-8")

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.open_browser=False",
            "--ServerApp.allow_root=True",  # CI runs as root
            "--LabApp.extension_manager=readonly",
            # A server orphaned by a killed test run goes away on its own.
            "--ServerApp.shutdown_no_activity_timeout=900",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]

    def start(self) -> None:
        """Start the server and wait until ``GET /api`` answers 200."""
        self._write_settings()
        for _attempt in range(3):  # a free port can be taken between check and bind
            self.port = free_loopback_port()
            log = open(self.log_path, "ab")  # closed in stop()
            self._log = log
            self.proc = subprocess.Popen(
                self.command(),
                cwd=self.root_dir,
                env=self._env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=(os.name == "posix"),
            )
            if self._wait_ready():
                return
            if self.proc.poll() is None:
                break  # running but not answering: do not retry, report
            log.close()
            if "already in use" not in self.log_tail():
                break
        self._kill()
        raise LabServerError(f"JupyterLab did not start:\n{self.log_tail()}")

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                if self.get("/api")[0] == 200:
                    return True
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)  # polling interval, not a wait for a result
        return False

    def stop(self, timeout: float = 30.0) -> int | None:
        """Shut the server down through its API; return its exit code.

        Raises LabServerError when it had to be killed or left a process behind.
        """
        if self.proc is None:
            return None
        problems = []
        if self.proc.poll() is None:
            try:
                status, _ = self.request("POST", "/api/shutdown")
                if status not in (200, 204):
                    problems.append(f"POST /api/shutdown answered {status}")
            except (OSError, urllib.error.URLError) as exc:
                problems.append(f"POST /api/shutdown failed: {exc}")
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                problems.append(f"server still running {timeout:.0f} s after shutdown")
        leftovers = self.leftover_pids()
        if leftovers:
            problems.append(f"processes left after shutdown: {leftovers}")
        if problems:
            self._kill()
        code = self.proc.returncode
        self._log.close()
        log_tail = self.log_tail()
        shutil.rmtree(self.home, ignore_errors=True)
        self.proc = None
        if problems:
            raise LabServerError("; ".join(problems) + "\n" + log_tail)
        return code

    def _kill(self) -> None:
        """Last resort: kill the server's process group and any kernel it left."""
        if self.proc is None:
            return
        pids = self.leftover_pids()
        if self.proc.poll() is None:
            pids.append(self.proc.pid)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def leftover_pids(self) -> list[int]:
        """Processes still alive that belong to this server.

        Its own process group (the server and anything it spawned in it) plus the
        kernels, which run in sessions of their own but take their connection file
        from this server's private runtime directory.
        """
        if self.proc is None or not Path("/proc").is_dir():
            return []
        marker = str(self.home).encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[-1].split()
            state, pgid = fields[0], int(fields[2])
            if state == "Z" and pid == self.proc.pid:
                continue  # not yet reaped by us
            if pid == self.proc.pid or pgid == self.proc.pid or marker in cmdline:
                found.append(pid)
        return found

    # -- HTTP ------------------------------------------------------------------
    def request(
        self, method: str, path: str, body: Any = None, timeout: float = 30.0
    ) -> tuple[int, Any]:
        """Call the REST API with the token; return (status, parsed JSON or text)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path,
            data=data,
            method=method,
            headers={
                "Authorization": f"token {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, raw = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        text = raw.decode("utf-8", "replace")
        try:
            return status, json.loads(text) if text else None
        except json.JSONDecodeError:
            return status, text

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"
