"""zqsite: a static site generator for the Zhaoqing / Sihui investment-promotion blog."""

__version__ = "0.1.0"
