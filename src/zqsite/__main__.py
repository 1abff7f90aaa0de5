"""`python -m zqsite ...` runs the command line."""

import sys

from zqsite.cli import main

sys.exit(main())
