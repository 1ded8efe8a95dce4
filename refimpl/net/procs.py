"""Start and stop the network's processes: for the lesson, the tests and
``make classroom``.

Every process is ``python -m refimpl.net ...`` in its own session, logging to a
file; :meth:`Proc.stop` sends SIGINT (a clean stop), then SIGTERM, then SIGKILL,
each after a bounded wait. :class:`Network` keeps the list and stops them all in
reverse order (neurons first, nodes last), also at interpreter exit.
:class:`ThreadedServer` runs an ASGI app with uvicorn in a thread of this process
(Jupyter's loop is already running, so ``uvicorn.run`` cannot be called there).
Introduced in lesson 15.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from refimpl.net.limits import KEEP_ALIVE

__all__ = [
    "free_port",
    "Proc",
    "Network",
    "ThreadedServer",
    "wait_http",
    "serve",
    "make_server",
]


def make_server(app: Any, host: str, port: int) -> Any:
    """A uvicorn server whose SIGINT/SIGTERM just stop it (exit code 0).

    Stock uvicorn re-raises the signal after its graceful shutdown, so a clean
    Ctrl-C would end in a KeyboardInterrupt traceback.
    """
    import uvicorn

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self):  # type: ignore[override]
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            sigs = (signal.SIGINT, signal.SIGTERM)
            old = {s: signal.signal(s, self.handle_exit) for s in sigs}
            try:
                yield
            finally:
                for s, handler in old.items():
                    signal.signal(s, handler)

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=1,
        timeout_keep_alive=KEEP_ALIVE,
    )
    return _Server(config)


def serve(app: Any, host: str, port: int) -> None:
    """Serve ``app`` until SIGINT or SIGTERM (the command line's servers)."""
    make_server(app, host, port).run()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 30.0, proc: Any = None) -> dict:
    """GET ``url`` until it answers 200 JSON; TimeoutError (or RuntimeError if
    ``proc`` exits) otherwise."""
    deadline = time.monotonic() + timeout
    for _ in range(int(timeout / 0.1) + 1):
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args} exited with {proc.returncode}")
        try:
            r = httpx.get(url, timeout=1.0)
            if r.status_code == 200:
                return r.json()
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:g} s")


class Proc:
    """One ``python -m refimpl.net`` child process."""

    def __init__(self, name: str, args: list[str], log_dir: str | os.PathLike) -> None:
        self.name = name
        self.args = args
        self.log_path = Path(log_dir) / f"{name}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        env["PYTHONUNBUFFERED"] = "1"
        with open(self.log_path, "ab") as log:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "refimpl.net", *args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGINT, then SIGTERM, then SIGKILL; the exit code."""
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if self.popen.poll() is not None:
                break
            try:
                self.popen.send_signal(sig)
                self.popen.wait(timeout=timeout if sig != signal.SIGKILL else 5)
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                break
        return self.popen.poll()

    def kill(self) -> None:
        """SIGKILL now (a crash, for the fault drills)."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait(timeout=10)

    def log(self, tail: int = 2000) -> str:
        """The end of the process's log."""
        try:
            return self.log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""


class Network:
    """The processes of one network, stopped together (also at exit)."""

    def __init__(self, log_dir: str | os.PathLike) -> None:
        self.log_dir = Path(log_dir)
        self.procs: list[Proc] = []
        atexit.register(self.stop)

    def start(self, name: str, *args: str) -> Proc:
        proc = Proc(name, [str(a) for a in args], self.log_dir)
        self.procs.append(proc)
        return proc

    def node(
        self,
        name: str,
        port: int,
        data: str | os.PathLike,
        *,
        tempo: int = 10,
        block_interval: float = 1.0,
        peers: tuple[str, ...] = (),
        timeout: float = 30.0,
    ) -> tuple[Proc, str]:
        """Start a node on 127.0.0.1:``port`` and wait until it answers."""
        url = f"http://127.0.0.1:{port}"
        args = ["node", "--host", "127.0.0.1", "--port", port, "--data", data]
        args += ["--tempo", tempo, "--block-interval", block_interval]
        for p in peers:
            args += ["--peer", p]
        proc = self.start(name, *args)
        wait_http(url + "/status", timeout, proc.popen)
        return proc, url

    def miner(
        self, name: str, node: str, port: int, seed: int, kind: str, *extra: Any
    ) -> Proc:
        """Start a miner on 127.0.0.1:``port`` (does not wait)."""
        return self.start(
            name,
            *("miner", "--node", node, "--host", "127.0.0.1", "--port", port),
            *("--seed", seed, "--kind", kind, *extra),
        )

    def validator(self, name: str, node: str, seed: int, *extra: Any) -> Proc:
        """Start a validator (does not wait)."""
        return self.start(name, "validator", "--node", node, "--seed", seed, *extra)

    def stop(self) -> None:
        """Stop every process: all neurons at once, then the nodes."""
        neurons = [p for p in self.procs if p.args[:1] != ["node"]]
        nodes = [p for p in self.procs if p.args[:1] == ["node"]]
        for group in (neurons, nodes):
            for p in group:
                if p.alive():
                    with contextlib.suppress(ProcessLookupError):
                        p.popen.send_signal(signal.SIGINT)
            for p in group:
                p.stop()


class ThreadedServer:
    """Serve an ASGI app with uvicorn in a background thread of this process."""

    def __init__(self, app: Any, host: str, port: int) -> None:
        self.server = make_server(app, host, port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://{host}:{port}"

    def start(self, timeout: float = 10.0) -> ThreadedServer:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        if not self.server.started:
            raise TimeoutError(f"{self.url} did not start within {timeout:g} s")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
