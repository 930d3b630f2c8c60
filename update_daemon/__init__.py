"""update_daemon: software and firmware updates, settings, feature flags and the robot name."""
