"""A simulated Smoothie board speaking the OT-2 firmware dialect, reached through pyserial (pty pair or TCP)."""
