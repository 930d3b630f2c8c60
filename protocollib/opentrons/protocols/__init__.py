"""Reading protocol files: Python (API v2) and JSON, with their apiLevel rules."""
