"""Smoothie driver layers: transport, line protocol, G-code vocabulary, and the stateful SmoothieDriver."""
