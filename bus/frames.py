"""Multipart send and receive that avoid pyzmq's send_multipart/recv_multipart, which cost several times more."""
from __future__ import annotations

from collections.abc import Sequence

import zmq

# pyzmq's flags are enum.IntFlag members, whose `|` runs Python enum code on every call: plain ints cost nothing.
NOBLOCK = int(zmq.NOBLOCK)
SNDMORE = int(zmq.SNDMORE)
POLLIN = int(zmq.POLLIN)


def send_frames(sock: zmq.Socket, frames: Sequence[bytes], flags: int = 0) -> None:
    """Send one multipart message (a frame at a time: pyzmq's send_multipart is ~5x slower for small frames)."""
    last = len(frames) - 1
    for index, frame in enumerate(frames):
        sock.send(frame, flags | SNDMORE if index < last else flags)


def recv_frames(sock: zmq.Socket, flags: int = 0) -> list[bytes]:
    """Receive one whole multipart message (reading each frame's `more` flag instead of asking the socket)."""
    frame = sock.recv(flags, copy=False)
    frames = [frame.bytes]
    while frame.more:
        frame = sock.recv(flags, copy=False)
        frames.append(frame.bytes)
    return frames


def recv_event_frames(sock: zmq.Socket, flags: int = 0) -> tuple[bytes, bytes] | None:
    """Receive an event's two frames, topic and body; None for a message of one frame (malformed, dropped).

    Only the topic is read as a zmq.Frame, for its `more` flag; the body is read straight into bytes, which saves
    a Frame per event. A malformed message with extra frames is harmless: reading stays inside that message, and
    its leftover frames are dropped as one-frame messages or as bodies that do not decode.
    """
    topic = sock.recv(flags, copy=False)
    if not topic.more:
        return None
    return topic.bytes, sock.recv(flags)
