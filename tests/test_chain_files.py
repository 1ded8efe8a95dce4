"""Issue 14 §2 for chain files: exact paths (never SQLite URIs), a temporary file per
save, no debris from killed saves, odd cells and bad paths refused with a reason."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from chain_setup import NOW, P

from refimpl.chain import Chain, StorageError
from refimpl.chain.storage import TEMP_MARK
from refimpl.crypto import PrivateKey

MINER = PrivateKey(4101).public_key.address
OTHER = PrivateKey(4102).public_key.address


def make(n: int, miner: str = MINER) -> Chain:
    c = Chain(P, (), {MINER: 1_000}, clock=lambda: NOW)
    for _ in range(n):
        c.mine_block([], miner)
    return c


def load(path) -> Chain:
    return Chain.load(path, P, clock=lambda: NOW)


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if TEMP_MARK in p.name)


@pytest.mark.parametrize(
    "name",
    [
        "a#b.sqlite",
        "q?mode=ro.sqlite",
        "x%41.sqlite",
        "sp ace&.sqlite",
        "file:odd.sqlite",
    ],  # fmt: skip
)
def test_paths_are_file_names_not_uris(tmp_path: Path, name: str) -> None:
    chain = make(2)
    path = tmp_path / name
    chain.save(str(path))
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no other file
    assert load(str(path)).tip == chain.tip
    assert load(path).tip == chain.tip  # a Path works too
    if "%41" in name:  # %41 is "A": that file must not be what is opened
        make(1).save(str(tmp_path / name.replace("%41", "A")))
        assert load(str(path)).tip == chain.tip


@pytest.mark.parametrize("bad", [None, 3, b"\x00", "", ["a"]])
def test_bad_paths_are_refused_and_write_nothing(tmp_path, monkeypatch, bad) -> None:
    monkeypatch.chdir(tmp_path)
    chain = make(1)
    with pytest.raises(StorageError):
        chain.save(bad)  # type: ignore[arg-type]
    with pytest.raises(StorageError):
        load(bad)
    assert list(tmp_path.iterdir()) == [] and chain.height == 1


def _cells(path: Path, statement: str, *args) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(statement, args)
    conn.close()


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE blocks SET raw = 5 WHERE seq = 1", "row 1 does not hold"),
        ("UPDATE blocks SET raw = 'text' WHERE seq = 1", "row 1 does not hold"),
        ("UPDATE blocks SET raw = NULL WHERE seq = 2", "row 2 does not hold"),
        ("UPDATE blocks SET hash = NULL WHERE seq = 0", "row 0 does not hold"),
        ("UPDATE blocks SET hash = x'00' WHERE seq = 0", "row 0 does not hold"),
        ("UPDATE meta SET value = 4.0 WHERE key = 'count'", "expected 4.0 blocks"),
        ("UPDATE meta SET value = x'00' WHERE key = 'tip'", "not text"),
        ("UPDATE meta SET value = 'zz' WHERE key = 'tip'", "not a hash"),
        ("DROP TABLE meta", "not a readable chain database"),
        ("UPDATE blocks SET seq = seq + 10 WHERE seq = 2", "numbered"),
    ],
)
def test_odd_database_cells(tmp_path: Path, statement: str, reason: str) -> None:
    path = tmp_path / "c.sqlite"
    make(3).save(str(path))
    _cells(path, statement)
    with pytest.raises(StorageError, match=reason):
        load(path)


def test_two_threads_saving_one_path_never_corrupt_it(tmp_path: Path) -> None:
    a, b = make(6), make(4, OTHER)
    path = str(tmp_path / "shared.sqlite")
    errors: list[BaseException] = []

    def saver(chain: Chain) -> None:
        try:
            for _ in range(8):
                chain.save(path)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=saver, args=(c,)) for c in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert load(path).tip in (a.tip, b.tip)
    assert temps(tmp_path) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def test_stale_temporaries_are_cleaned_on_the_next_save_and_load(tmp_path) -> None:
    path = tmp_path / "c.sqlite"
    dead = _dead_pid()
    stale = [f"c.sqlite{TEMP_MARK}{dead}-abc", f"c.sqlite{TEMP_MARK}{dead}-abc-journal"]
    live = f"c.sqlite{TEMP_MARK}{os.getppid()}-inprogress"  # a living process's
    other = "c.sqlite.tmp-someone-else"  # not our naming: never touched
    for name in [*stale, live, other]:
        (tmp_path / name).write_bytes(b"partial")
    make(1).save(str(path))
    assert temps(tmp_path) == [live]
    assert (tmp_path / other).exists()
    (tmp_path / stale[0]).write_bytes(b"partial")
    load(path)
    assert temps(tmp_path) == [live]


def test_a_killed_save_leaves_nothing_behind_for_long(tmp_path: Path) -> None:
    path = tmp_path / "big.sqlite"
    code = textwrap.dedent(
        f"""
        from refimpl.chain import Chain, ChainParams
        from refimpl.crypto import PrivateKey
        P = ChainParams(chain_id=7, genesis_bits=0x207FFFFF, retarget_interval=10**6)
        c = Chain(P, (), {{}}, clock=lambda: 4e9)
        m = PrivateKey(9).public_key.address
        for _ in range(300):
            c.mine_block([], m)
        print("ready", flush=True)
        for _ in range(10_000):
            c.save({str(path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            text=True)  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while not temps(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.001)
        assert temps(tmp_path), "the saver never got to write"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    mine = make(1)
    mine.save(str(path))  # the next save cleans what the killed one left
    assert temps(tmp_path) == []
    assert load(path).tip == mine.tip


def test_checksum_is_described_as_what_it_is() -> None:
    from refimpl.chain import storage

    doc = storage.__doc__ or ""
    assert "unkeyed" in doc and "not\ntampering" in doc.replace("  ", " ")
