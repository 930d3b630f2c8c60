"""Read batching: a burst shares one call, and nobody gets a value read before their request arrived."""
from __future__ import annotations

import asyncio

from api_gateway.fresh_reads import FreshReads


def test_requests_during_a_call_share_the_next_one() -> None:
    async def scenario() -> tuple[list[int], int]:
        reads, gates, calls = FreshReads(), [asyncio.Event(), asyncio.Event()], []

        async def fetch() -> int:
            calls.append(len(calls))
            await gates[len(calls) - 1].wait()
            return len(calls)
        first = asyncio.ensure_future(reads.read("k", fetch))
        while not calls:
            await asyncio.sleep(0)
        later = [asyncio.ensure_future(reads.read("k", fetch)) for _ in range(5)]
        gates[0].set()
        while len(calls) < 2:
            await asyncio.sleep(0)
        gates[1].set()
        results = await asyncio.wait_for(asyncio.gather(first, *later), 5)
        return list(results), len(calls)
    results, calls = asyncio.run(scenario())
    assert results == [1, 2, 2, 2, 2, 2] and calls == 2


def test_an_error_reaches_every_waiter_and_the_next_read_starts_afresh() -> None:
    async def scenario() -> int:
        reads = FreshReads()

        async def failing() -> int:
            raise RuntimeError("motion is down")
        outcomes = await asyncio.gather(*(reads.read("k", failing) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(o, RuntimeError) for o in outcomes)

        async def working() -> int:
            return 7
        return await asyncio.wait_for(reads.read("k", working), 5)
    assert asyncio.run(scenario()) == 7


def test_different_reads_do_not_share() -> None:
    async def scenario() -> list[str]:
        reads = FreshReads()

        def fetcher(value: str):
            async def fetch() -> str:
                return value
            return fetch
        return await asyncio.gather(reads.read("a", fetcher("a")), reads.read("b", fetcher("b")))
    assert asyncio.run(scenario()) == ["a", "b"]
