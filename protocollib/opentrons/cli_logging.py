"""Logging for the command-line apps: structlog, one JSON object per line on stderr."""
from __future__ import annotations

import logging
import sys
from typing import Any

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "error": logging.ERROR, "none": logging.CRITICAL + 10}


class _Silent:
    """Stands in for a logger when nothing at or above the level is ever logged."""

    def __getattr__(self, name: str) -> Any:
        return lambda *args, **kwargs: None


def configure(level_name: str, service: str) -> Any:
    """Set up structlog for an app run at ``level_name``; return a logger bound to ``service``.

    The apps log only info and debug events, so at higher levels structlog (whose import
    costs about a tenth of a second) is not loaded at all.
    """
    if LEVELS[level_name] > logging.INFO:
        return _Silent()
    import structlog

    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS[level_name]),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    return structlog.get_logger().bind(service=service)
