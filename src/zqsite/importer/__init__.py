"""Importers: a Blogger export (`import-blogger`) or a Blogger label page's text (`import-text`) -> content/.

Reading (blogger.py, textdump.py) gives format-neutral `SourceItem`s; compose.py turns each into
the Markdown documents of one post (and its translation); run.py plans every file first and
writes only when the whole input was read without an error.
"""


class ImportFailed(Exception):
    """The input cannot be imported; nothing was written."""
