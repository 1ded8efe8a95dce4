"""Lesson 15: the clients' ``wait_for`` polls with a bounded number of tries and a
deadline, the blocking and the asyncio client alike (no node needed)."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from refimpl.net.client import AsyncNodeClient, NodeClient, NodeRefused


def _flaky(answers):
    """A check that raises or returns each of ``answers`` in turn; counts calls."""
    calls = []

    def check():
        calls.append(1)
        answer = answers[min(len(calls), len(answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return check, calls


def test_wait_for_returns_the_first_truthy_value_and_skips_node_errors():
    client = NodeClient("http://127.0.0.1:9")
    check, calls = _flaky(
        [NodeRefused(503, "busy"), httpx.ConnectError("down"), 0, {"height": 3}]
    )
    assert client.wait_for(check, timeout=5.0, interval=0.01) == {"height": 3}
    assert len(calls) == 4
    client.close()


def test_wait_for_is_bounded_in_tries_and_names_what_it_waited_for():
    client = NodeClient("http://127.0.0.1:9")
    check, calls = _flaky([None])
    with pytest.raises(TimeoutError, match="waited 0.05 s for gossip"):
        client.wait_for(check, timeout=0.05, interval=0.01, what="gossip")
    assert 1 <= len(calls) <= int(0.05 / 0.01) + 2
    client.close()


def test_wait_for_lets_other_errors_through():
    client = NodeClient("http://127.0.0.1:9")
    check, calls = _flaky([KeyError("height")])
    with pytest.raises(KeyError):
        client.wait_for(check, timeout=1.0, interval=0.01)
    assert len(calls) == 1
    client.close()


def test_async_wait_for_follows_the_same_schedule():
    async def run():
        client = AsyncNodeClient("http://127.0.0.1:9")
        answers = iter([NodeRefused(500, "x"), None, "ready"])
        calls = []

        async def check():
            calls.append(1)
            answer = next(answers)
            if isinstance(answer, Exception):
                raise answer
            return answer

        value = await client.wait_for(check, timeout=5.0, interval=0.01)
        never = []

        async def nothing():
            never.append(1)

        with pytest.raises(TimeoutError, match="waited 0.05 s"):
            await client.wait_for(nothing, timeout=0.05, interval=0.01)
        await client.aclose()
        return value, len(calls), len(never)

    value, tries, empty_tries = asyncio.run(run())
    assert (value, tries) == ("ready", 3)
    assert 1 <= empty_tries <= int(0.05 / 0.01) + 2
