"""Logging set-up for apps: structlog JSON lines carrying the service name (libraries only get loggers)."""
from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog


def configure_logging(service: str, *, level: str = "info", stream: TextIO | None = None) -> None:
    """Configure structlog once, in an app's main: one JSON object per line with `service`, `level`, `ts`."""
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise ValueError(f"log level {level!r}: expected debug, info, warning or error")
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="ts"),
            _add_service(service),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stderr),
        cache_logger_on_first_use=True,
    )


def _add_service(service: str) -> structlog.types.Processor:
    def add(_logger: object, _name: str, event: dict) -> dict:
        event.setdefault("service", service)
        return event
    return add
