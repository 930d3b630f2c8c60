"""`python -m supervisor` is the `ot2` command."""
import sys

from supervisor.cli import main

sys.exit(main())
