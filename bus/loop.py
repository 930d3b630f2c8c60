"""Running an app's event loop: uvloop where it is installed, the standard asyncio loop otherwise."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to completion on a new event loop and return its result.

    uvloop wakes on a ready socket several times faster than asyncio's pure-Python loop, and every bus request
    costs one such wake-up; it is not built for Windows, where the standard loop serves.
    """
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)
