"""motion_daemon: the only process that owns the Smoothie serial port; serves motion over the bus."""
