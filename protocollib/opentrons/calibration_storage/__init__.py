"""The calibration files under `$OT2_DATA_DIR/calibration/`: their format, validation, reading and writing."""
