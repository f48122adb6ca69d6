"""``python -m ewarning``: see :mod:`ewarning.cli`."""

import sys

from .cli import main

sys.exit(main())
