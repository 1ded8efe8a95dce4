"""Lesson 15: ``python -m refimpl.net`` parses each command's options into the
call it makes (in process; no server is started)."""

from __future__ import annotations

import refimpl.net.classroom as classroom
from refimpl.net.__main__ import _parser, main


def test_node_and_classroom_share_the_chain_settings():
    p = _parser()
    node = p.parse_args(["node", "--data", "d"])
    room = p.parse_args(["classroom"])
    for a in (node, room):
        assert (a.tempo, a.block_interval) == (10, 1.0)
    a = p.parse_args(["node", "--data", "d", "--tempo", "3", "--block-interval", "0"])
    assert (a.tempo, a.block_interval, a.peer) == (3, 0.0, [])


def test_classroom_passes_every_option_to_run_classroom(monkeypatch):
    seen = {}

    def fake(port, miners, data, tempo, block_interval, duration):
        seen.update(port=port, miners=miners, data=data, tempo=tempo)
        seen.update(block_interval=block_interval, duration=duration)
        return 7

    monkeypatch.setattr(classroom, "run_classroom", fake)
    argv = ["classroom", "--port", "9100", "--miners", "3", "--data", "room"]
    argv += ["--tempo", "5", "--block-interval", "0.5", "--duration", "12"]
    assert main(argv) == 7
    assert seen == {
        "port": 9100,
        "miners": 3,
        "data": "room",
        "tempo": 5,
        "block_interval": 0.5,
        "duration": 12.0,
    }
