"""Test setup: zqsite importable from a plain checkout, and the site-building fixtures."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

try:
    import zqsite  # noqa: F401
except ImportError:  # not installed (e.g. no `pip install -e .`): use the checkout's src/
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    import zqsite  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sitekit  # noqa: E402


@pytest.fixture
def make_site(tmp_path):
    """make_site(posts=..., pages=..., contacts=..., labels=..., config=..., files=...) -> sitekit.Site."""
    def factory(**kwargs):
        return sitekit.make_site(tmp_path, **kwargs)
    return factory


@pytest.fixture
def build():
    """build(site, **BuildOptions fields) -> BuildReport, with a fixed `now`."""
    return sitekit.build


@pytest.fixture
def fixed_now():
    return sitekit.FIXED_NOW
