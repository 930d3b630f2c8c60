"""The calibration daemon: sole writer of the calibration store, and the calibration sessions that jog the robot."""
