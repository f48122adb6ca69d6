"""``python -m ewarning.cli``: the same as ``python -m ewarning``."""

import sys

from . import main

sys.exit(main())
