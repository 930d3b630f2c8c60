"""run_daemon: the process that runs one protocol on the robot (bus service `runner`), and its run journal."""
