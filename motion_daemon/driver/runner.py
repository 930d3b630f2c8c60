"""Runs G-code commands the way the OT-2 does: each command, then M400, with retries and duration-scaled timeouts."""
from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from motion_daemon.driver.errors import AlarmResponse, ErrorResponse, NoResponse
from motion_daemon.driver.gcode import Code, Command
from motion_daemon.driver.line_protocol import LineProtocol

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """How long to wait: an ack for any command, plus the expected duration scaled by a safety factor."""

    ack_s: float = 5.0
    execute_factor: float = 1.5
    retries: int = 3
    handshake_s: float = 3.0

    def for_duration(self, expected_s: float) -> float:
        """The wait for a command expected to take `expected_s` seconds of motion."""
        return self.ack_s + self.execute_factor * expected_s


@dataclass
class Capabilities:
    """Which optional codes this board accepts; a basic board rejects some and the driver leaves them out."""

    unsupported: set[str] = field(default_factory=set)

    def supports(self, capability: str) -> bool:
        """True unless the board has rejected the code (or named feature) `capability`."""
        return str(capability) not in self.unsupported


class CommandRunner:
    """Sends a command, waits for M400, retries an unanswered command only when resending it is harmless."""

    def __init__(self, protocol: LineProtocol, timeouts: Timeouts) -> None:
        self._protocol = protocol
        self.timeouts = timeouts
        self.capabilities = Capabilities()

    def run(self, command: Command | str, expected_s: float = 0.0) -> str:
        """Send the command (ack timeout) then M400 (execute timeout); return the command's reply text."""
        line = command.render() if isinstance(command, Command) else command
        execute_s = self.timeouts.for_duration(expected_s)
        # The firmware acks a move when it is queued, but a home only once it has finished.
        ack_s = execute_s if Code.HOME.value in line.split() else self.timeouts.ack_s
        text = self._exchange_with_retries(line, ack_s)
        self._exchange_with_retries(Code.WAIT.value, execute_s)
        return text

    def run_optional(self, command: Command, capability: str, expected_s: float = 0.0) -> str | None:
        """Run a command a basic board may not know; on an error reply remember that and return None."""
        if not self.capabilities.supports(capability):
            return None
        try:
            return self.run(command, expected_s)
        except ErrorResponse as exc:
            log.warning("smoothie_code_unsupported", capability=str(capability), reply=exc.reply)
            self.capabilities.unsupported.add(str(capability))
            return None

    def handshake(self) -> None:
        """Send the empty command the firmware answers with a bare ack (a halted board answers `!!`: also alive)."""
        try:
            self._exchange_with_retries("", self.timeouts.handshake_s)
        except AlarmResponse as exc:
            log.info("smoothie_halted_at_connect", reply=exc.reply)

    def _exchange_with_retries(self, line: str, wait_s: float) -> str:
        # Relative moves would move twice if resent; everything else here is absolute or a query.
        attempts = 1 if Code.RELATIVE.value in line.split() else max(1, self.timeouts.retries)
        for attempt in range(1, attempts):
            try:
                return self._protocol.exchange(line, wait_s)
            except NoResponse:
                log.warning("smoothie_no_response_retry", command=line, attempt=attempt)
                self._protocol.resync()
        return self._protocol.exchange(line, wait_s)
