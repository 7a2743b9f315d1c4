"""``python3 -m event_gateway tail 'task:*'``: see event_gateway.cli."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
