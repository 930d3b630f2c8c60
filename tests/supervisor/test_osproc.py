"""The real OS layer: exit statuses, signals, and output read line by line from real child processes."""
from __future__ import annotations

import asyncio
import os
import signal
import sys

from supervisor.osproc import MAX_LINE, RealOS


async def reaped(os_: RealOS, handle: object, timeout: float = 10.0) -> int:
    async def loop() -> int:
        while (status := os_.poll(handle)) is None:  # type: ignore[arg-type]
            await asyncio.sleep(0.01)
        return status
    return await asyncio.wait_for(loop(), timeout)


def test_output_lines_and_exit_status_come_back() -> None:
    script = "import sys; print('first'); print('ünï'); sys.stdout.write('x' * 70000); sys.exit(3)"

    async def scenario() -> tuple[list[str], int]:
        os_, lines = RealOS(asyncio.get_running_loop()), []
        handle = os_.spawn([sys.executable, "-c", script], dict(os.environ), lines.append)
        return lines, await reaped(os_, handle)
    lines, status = asyncio.run(scenario())
    assert status == 3
    assert lines == ["first", "ünï", "x" * MAX_LINE, "x" * (70000 - MAX_LINE)]


def test_a_signalled_child_reports_minus_the_signal_and_late_signals_are_harmless() -> None:
    async def scenario() -> int:
        os_ = RealOS(asyncio.get_running_loop())
        handle = os_.spawn(["sleep", "30"], dict(os.environ), lambda line: None)
        os_.signal(handle, signal.SIGTERM)
        status = await reaped(os_, handle)
        os_.signal(handle, signal.SIGKILL)  # already reaped: nothing to do, no error
        return status
    assert asyncio.run(scenario()) == -signal.SIGTERM


def test_children_get_their_own_process_group_and_environment() -> None:
    script = "import os; print(os.getpgid(0) == os.getpid(), os.environ['MARK'])"

    async def scenario() -> list[str]:
        os_, lines = RealOS(asyncio.get_running_loop()), []
        handle = os_.spawn([sys.executable, "-c", script], {"MARK": "m1"}, lines.append)
        await reaped(os_, handle)
        return lines
    assert asyncio.run(scenario()) == ["True m1"]
