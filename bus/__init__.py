"""bus: the shared ZeroMQ messaging library (envelope, request/reply, pub/sub, endpoints, errors)."""
