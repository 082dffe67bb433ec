"""Entry point for ``python -m carnet``."""

import sys

from carnet.cli import main

sys.exit(main())
