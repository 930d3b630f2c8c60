"""bus: the shared ZeroMQ messaging library (envelope, request/reply, pub/sub, endpoints, errors).

Importing it opens no socket, starts no thread and reads no configuration: every socket is made by an object
that is handed an explicit `zmq.Context`, and configuration is read by `BusConfig.from_env()` when an app asks.
"""
from bus.aclient import AsyncClient
from bus.client import Client
from bus.endpoints import SERVICES, BusConfig, service_of
from bus.envelope import VERSION, Event, Reply, Request
from bus.errors import (MEANING, BadEnvelope, BadRequest, BusError, BusTimeout, Conflict, ControllerUnavailable,
                        ErrorCode, Halted, HardwareError, InternalError, NotFound, TooLarge, Unavailable, UnknownOp,
                        VersionMismatch, error_from_wire)
from bus.logs import configure_logging
from bus.pubsub import AsyncSubscriber, GapTracker, Publisher, Subscriber, heartbeat_topic, run_heartbeat
from bus.server import RequestServer

__all__ = [
    "AsyncClient", "AsyncSubscriber", "BadEnvelope", "BadRequest", "BusConfig", "BusError", "BusTimeout", "Client",
    "Conflict", "ControllerUnavailable", "ErrorCode", "Event", "GapTracker", "Halted", "HardwareError",
    "InternalError", "MEANING", "NotFound", "Publisher", "Reply", "Request", "RequestServer", "SERVICES",
    "Subscriber", "TooLarge", "Unavailable", "UnknownOp", "VERSION", "VersionMismatch", "configure_logging",
    "error_from_wire", "heartbeat_topic", "run_heartbeat", "service_of",
]
