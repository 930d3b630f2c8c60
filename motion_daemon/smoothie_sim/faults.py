"""Fault knobs of the simulated board: delay, dropped acks, garbage, alarm on the next move, disconnect, flashing."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

# Noise that contains no ack, error, alarm or halt marker: binary bytes and whitespace-only lines.
GARBAGE = b"\x00\xfe\xff\x07  \r\n \t \r\n\r\n~#%\x1b"


@dataclass
class FaultKnobs:
    """Settable from a test thread while the board runs; counters are one-shot and count down."""

    reply_delay_s: float = 0.0
    drop_acks: int = 0
    garbage_replies: int = 0
    alarm_next_move: bool = False
    disconnect_next_move: bool = False
    flash_failures: int = 0
    flash_noise: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def take(self, name: str) -> bool:
        """Consume one use of a one-shot knob; True if it was armed."""
        with self._lock:
            value = getattr(self, name)
            if not value:
                return False
            setattr(self, name, False if isinstance(value, bool) else value - 1)
            return True

    def set(self, **knobs: float | int | bool) -> None:
        """Set several knobs at once, rejecting unknown names."""
        with self._lock:
            for name, value in knobs.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise ValueError(f"unknown fault knob {name!r}")
                setattr(self, name, value)
