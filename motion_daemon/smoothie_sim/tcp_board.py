"""The simulated board as a TCP server (one client at a time, like a serial port), for `socket://host:port`."""
from __future__ import annotations

import select
import socket
import threading

import structlog

from motion_daemon.smoothie_sim.board import BoardConfig, SimulatedSmoothie
from motion_daemon.smoothie_sim.faults import FaultKnobs
from motion_daemon.smoothie_sim.session import BoardSession

log = structlog.get_logger(__name__)

ACCEPT_POLL_S = 0.1


class _SocketLink:
    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def fileno(self) -> int:
        return self._sock.fileno()

    def recv(self) -> bytes:
        return self._sock.recv(4096)

    def send(self, data: bytes) -> None:
        self._sock.sendall(data)

    def close(self) -> None:
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


class TcpSmoothie:
    """Listens on host:port (port 0 picks a free one) and serves clients one after another."""

    def __init__(self, host: str, port: int, config: BoardConfig | None = None,
                 faults: FaultKnobs | None = None) -> None:
        self.faults = faults or FaultKnobs()
        self.board = SimulatedSmoothie(config or BoardConfig(), self.faults)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener = socket.create_server((host, port))
        self.address: tuple[str, int] = self._listener.getsockname()[:2]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The pyserial URL a driver opens."""
        return f"socket://{self.address[0]}:{self.address[1]}"

    def start(self) -> "TcpSmoothie":
        """Serve in a background thread; returns self."""
        self._thread = threading.Thread(target=self.serve_forever, name="smoothie-sim-tcp", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Accept and serve clients until stop()."""
        while not self._stop.is_set():
            readable, _, _ = select.select([self._listener], [], [], ACCEPT_POLL_S)
            if not readable:
                continue
            client, peer = self._listener.accept()
            # Acks go out as separate small writes; Nagle would hold the second one for the peer's delayed ACK.
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            log.info("sim_client_connected", peer=f"{peer[0]}:{peer[1]}")
            BoardSession(self.board, _SocketLink(client), self.faults, self._lock, self._stop).serve()

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._listener.close()

    def __enter__(self) -> "TcpSmoothie":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
