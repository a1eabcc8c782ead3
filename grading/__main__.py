"""``python -m grading``: see :mod:`grading.cli.commands`."""
import sys

from grading.cli.commands import main

if __name__ == "__main__":
    sys.exit(main())
