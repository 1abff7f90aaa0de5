"""Build the site: `python build.py` (content/ -> public/), or with --content, --output, --config."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))  # works before `pip install` too

from zqsite.cli import run  # noqa: E402

if __name__ == "__main__":
    run()
