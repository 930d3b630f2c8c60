"""Read batching: concurrent identical reads share one bus call, and each answer is read after its request came."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class FreshReads:
    """Requests for the same read that arrive while a call for it is in flight wait for the next call, which
    starts once that one ends and answers all of them: one bus round trip serves a burst of pollers, and no
    request is answered with a value read before it arrived."""

    def __init__(self) -> None:
        self._waiting: dict[Hashable, asyncio.Future[Any]] = {}
        self._running: dict[Hashable, asyncio.Task[None]] = {}

    async def read(self, key: Hashable, fetch: Callable[[], Awaitable[Any]]) -> Any:
        """The result of `fetch()` from a call started after this request arrived (shared with its peers)."""
        future = self._waiting.get(key)
        if future is None:
            future = self._waiting[key] = asyncio.get_running_loop().create_future()
        if key not in self._running:
            self._running[key] = asyncio.ensure_future(self._serve(key, fetch))
        return await asyncio.shield(future)

    async def _serve(self, key: Hashable, fetch: Callable[[], Awaitable[Any]]) -> None:
        try:
            while (future := self._waiting.pop(key, None)) is not None:
                try:
                    future.set_result(await fetch())
                except Exception as exc:  # every waiter gets the same error answer
                    future.set_exception(exc)
                    future.exception()  # marks it retrieved even when every waiter has gone away
        finally:
            del self._running[key]
