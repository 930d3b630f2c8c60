"""api_gateway: the OT-2 HTTP API on port 31950, translating HTTP to bus requests."""
