"""Blocking work (files, child processes) moved off the manager's event loop onto its thread pool."""
from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


async def off_loop(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `work(*args, **kwargs)` on the default executor, so requests keep being answered meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(None, functools.partial(work, *args, **kwargs))
