"""Fast child start: a fork server, forked before the supervisor starts threads, forks preloaded Python daemons.

Starting a Python daemon from scratch spends most of its time importing (asyncio, zmq, structlog, the bus); on the
OT-2's small computer that is ~0.5 s per daemon. The fork server holds those modules already imported, so a
`python -m pkg` or `python script.py` child is one fork plus `runpy` away. Any other command is forked and exec'd.
Exit statuses come back over the control socket, since the fork server, not the supervisor, is the parent.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import runpy
import select
import shutil
import signal
import socket
import sys
import time
import traceback
from typing import Any

import structlog

from supervisor.osproc import PR_SET_PDEATHSIG, Handle, LineReader, OutputSink, RealOS, load_prctl

MAX_MESSAGE = 1 << 20
SPAWN_TIMEOUT = 5.0
REAP_INTERVAL = 0.02
log = structlog.get_logger("supervisor.forkserver")


class ForkedChild:
    """A child of the fork server, as the supervisor's state machine sees it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid


class ForkServerOS:
    """The ProcessOS whose children come from a fork server; `start()` must run before any thread or event loop.

    Should the fork server die, its children die with it (PDEATHSIG); they are then reported killed and started
    again by plain exec, so the robot recovers, only more slowly.
    """

    def __init__(self, server_pid: int, control: socket.socket) -> None:
        self.server_pid, self._control = server_pid, control
        self._loop: asyncio.AbstractEventLoop | None = None
        self._fallback: RealOS | None = None
        self.server_gone = False
        self._readers: dict[int, tuple[LineReader, int]] = {}
        self._exits: dict[int, int] = {}

    @classmethod
    def start(cls) -> "ForkServerOS":
        """Fork the fork server from this (still single-threaded) process."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        parent, prctl = os.getpid(), load_prctl()
        pid = os.fork()
        if pid == 0:
            ours.close()
            os._exit(_serve(theirs, parent, prctl))
        theirs.close()
        return cls(pid, ours)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Read children's output on `loop` from now on."""
        self._loop = loop
        self._fallback = RealOS(loop)

    def now(self) -> float:
        return time.monotonic()

    def spawn(self, argv: list[str], env: dict[str, str], on_line: OutputSink) -> Handle:
        """Ask the fork server for a child; OSError when it cannot be started (no such program or module)."""
        assert self._loop is not None and self._fallback is not None, "attach() an event loop before spawning"
        if not self.server_gone:
            child = self._spawn_forked(argv, env, on_line)
            if child is not None:
                return child
        return self._fallback.spawn(argv, env, on_line)

    def _spawn_forked(self, argv: list[str], env: dict[str, str], on_line: OutputSink) -> ForkedChild | None:
        assert self._loop is not None
        read_end, write_end = os.pipe()
        try:
            socket.send_fds(self._control, [json.dumps({"argv": argv, "env": env}).encode()], [write_end])
            reply = self._await_reply()
        except (BrokenPipeError, ConnectionResetError):
            os.close(read_end)
            self._gone()
            return None
        except OSError:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        if reply is None or "error" in reply:
            os.close(read_end)
            if reply is None:
                return None
            raise OSError(reply.get("errno", 0), reply["error"])
        self._readers[reply["pid"]] = (LineReader(self._loop, read_end, on_line), read_end)
        return ForkedChild(reply["pid"])

    def poll(self, handle: Handle) -> int | None:
        if not isinstance(handle, ForkedChild):
            return self._fallback.poll(handle) if self._fallback else None
        self._drain(0.0)
        status = self._exits.get(handle.pid)
        if status is None and self.server_gone:
            status = self._exits[handle.pid] = -signal.SIGKILL  # PDEATHSIG took it with the fork server
        if status is not None and handle.pid in self._readers:
            reader, fd = self._readers.pop(handle.pid)
            reader.finish()
            os.close(fd)
        return status

    def signal(self, handle: Handle, sig: int) -> None:
        if not isinstance(handle, ForkedChild):
            if self._fallback is not None:
                self._fallback.signal(handle, sig)
        elif handle.pid not in self._exits:
            try:
                os.kill(handle.pid, sig)
            except ProcessLookupError:
                pass  # it exited; the fork server's report is on its way

    def _gone(self) -> None:
        self.server_gone = True
        log.error("fork_server_gone", pid=self.server_pid, fallback="daemons start by exec from now on")

    def close(self) -> None:
        """Close the control socket: the fork server kills what is left and exits; wait for that."""
        self._control.close()
        try:
            os.waitpid(self.server_pid, 0)
        except ChildProcessError:
            pass  # already reaped

    def _await_reply(self) -> dict[str, Any] | None:
        """The fork server's answer to a spawn; None when it is gone."""
        end = time.monotonic() + SPAWN_TIMEOUT
        while (left := end - time.monotonic()) > 0 and not self.server_gone:
            reply = self._drain(left)
            if reply is not None:
                return reply
        if self.server_gone:
            return None
        raise OSError(0, f"the fork server did not answer within {SPAWN_TIMEOUT:g} s")

    def _drain(self, wait: float) -> dict[str, Any] | None:
        """Record exit reports; return the first reply to a spawn, if one arrives within `wait` seconds."""
        while not self.server_gone and select.select([self._control], [], [], wait)[0]:
            try:
                raw = self._control.recv(MAX_MESSAGE)
            except OSError:
                raw = b""
            if not raw:
                self._gone()
                return None
            message = json.loads(raw)
            if "exited" not in message:
                return message
            self._exits[message["exited"]] = message["status"]
            wait = 0.0
        return None


def _serve(control: socket.socket, parent: int, prctl: Any) -> int:
    """The fork server's loop: fork on request, report exits, stop when the supervisor goes away."""
    os.setpgid(0, 0)  # Ctrl-C at the terminal is for the supervisor, which stops the children in order
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        return 1
    children: set[int] = set()
    while True:
        if select.select([control], [], [], REAP_INTERVAL)[0]:
            message, fds, _, _ = socket.recv_fds(control, MAX_MESSAGE, 1)
            if not message:
                break
            _answer(control, message, fds, children, prctl)
        _reap(control, children)
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    return 0


def _answer(control: socket.socket, message: bytes, fds: list[int], children: set[int], prctl: Any) -> None:
    request = json.loads(message)
    argv, env = request["argv"], request["env"]
    problem = _cannot_start(argv, env)
    if problem is not None:
        os.close(fds[0])
        control.send(json.dumps({"error": problem, "errno": 2}).encode())
        return
    try:
        pid = os.fork()
    except OSError as exc:
        os.close(fds[0])
        control.send(json.dumps({"error": f"fork failed: {exc.strerror}", "errno": exc.errno}).encode())
        return
    if pid == 0:
        try:
            _become(argv, env, fds[0], control, prctl)
        finally:
            os._exit(1)  # whatever happened, the child must never return into the fork server's loop
    os.close(fds[0])
    children.add(pid)
    control.send(json.dumps({"pid": pid}).encode())


def _reap(control: socket.socket, children: set[int]) -> None:
    while children:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        children.discard(pid)
        control.send(json.dumps({"exited": pid, "status": os.waitstatus_to_exitcode(status)}).encode())


def _cannot_start(argv: list[str], env: dict[str, str]) -> str | None:
    if _preloadable(argv) and argv[1] == "-m":
        try:
            found = importlib.util.find_spec(argv[2]) is not None
        except (ImportError, ValueError):
            found = False
        return None if found else f"No module named {argv[2]!r}"
    if _preloadable(argv):
        return None if os.path.isfile(argv[1]) else f"No such file: {argv[1]!r}"
    found = shutil.which(argv[0], path=env.get("PATH", os.defpath)) is not None
    return None if found else "No such file or directory"


def _preloadable(argv: list[str]) -> bool:
    """`python -m module ...` or `python script ...`: run in the forked, preloaded interpreter (else exec)."""
    if argv[0] != sys.executable or len(argv) < 2:
        return False
    return (argv[1] == "-m" and len(argv) >= 3) or not argv[1].startswith("-")


def _become(argv: list[str], env: dict[str, str], output: int, control: socket.socket, prctl: Any) -> None:
    """In the forked child: take the output pipe and the environment, then run the program; never returns."""
    server = os.getppid()
    os.close(control.detach())
    os.setpgid(0, 0)
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(output, 1)
    os.dup2(output, 2)
    os.close(null)
    os.close(output)
    os.environ.clear()
    os.environ.update(env)
    if not _preloadable(argv):
        try:
            os.execvpe(argv[0], argv, env)
        except OSError as exc:
            print(f"cannot execute {argv[0]!r}: {exc}", file=sys.stderr, flush=True)
            os._exit(127)
    os._exit(_run_python(argv))


def _run_python(argv: list[str]) -> int:
    """Run `python -m module args` or `python script args` in this process, as a fresh interpreter would."""
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    try:
        if argv[1] == "-m":
            sys.argv = [argv[2], *argv[3:]]
            sys.path[0] = os.getcwd()
            runpy.run_module(argv[2], run_name="__main__", alter_sys=True)
        else:
            sys.argv = argv[1:]
            sys.path[0] = os.path.dirname(os.path.abspath(argv[1]))
            runpy.run_path(argv[1], run_name="__main__")
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else _print_exit(exc.code))
    except BaseException:  # the program's own crash: show it as the interpreter would, then exit 1
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def _print_exit(message: object) -> int:
    print(message, file=sys.stderr)
    return 1
