"""`python -m pm_core ...`: the command-line front end (see pm_core.cli)."""
import sys

from pm_core.cli import main

sys.exit(main())
