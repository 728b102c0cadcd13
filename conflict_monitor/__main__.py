"""`python -m conflict_monitor`: see conflict_monitor.cli."""

import sys

from conflict_monitor.cli.main import main

sys.exit(main())
