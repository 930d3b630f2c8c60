"""The one engine: executes protocol commands against state and a motion backend."""
