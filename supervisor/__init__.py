"""supervisor: starts, watches and restarts every daemon and protocol runner."""
