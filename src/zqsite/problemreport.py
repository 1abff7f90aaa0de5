"""Problems as the terminal shows them: every error, and the warnings summarised per kind.

A blog imported from Blogger has many warnings of a few kinds (a 2,000-post import had
1,013, printed on every build): a build shows each kind's count and first few, with their
lines; `build --verbose` and `check` show every one.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from zqsite.errors import Problem

FIRST_FEW = 3
# The particulars of a message (quoted text, numbers, addresses), taken out to name its kind.
_PARTICULARS = [(re.compile(r"'[^']*'|\"[^\"]*\""), "'…'"), (re.compile(r"U\+[0-9A-F]{4,6}"), "U+…"),
                (re.compile(r"(?<![\w'])/[^\s,;()']+"), "/…"), (re.compile(r"\d+"), "N")]


def warning_kind(message: str) -> str:
    """What a warning says without its particulars: "unknown key '…' is ignored; did you mean '…'?"."""
    for pattern, placeholder in _PARTICULARS:
        message = pattern.sub(placeholder, message)
    return message


def problem_lines(problems: Sequence[Problem], verbose: bool, shown: Callable[[Problem], str] = str) -> list[str]:
    """The lines to print: every error; every warning if `verbose`, else the first few of each kind."""
    ordered = sorted(problems, key=lambda p: (p.path, p.line or 0, not p.is_error, p.message))
    warnings = [p for p in ordered if not p.is_error]
    lines = [shown(p) for p in ordered if p.is_error]
    if verbose:
        return lines + [shown(p) for p in warnings]
    kinds: dict[str, list[Problem]] = {}
    for warning in warnings:
        kinds.setdefault(warning_kind(warning.message), []).append(warning)
    hidden = 0
    for same in kinds.values():
        # "… and 1 more" would take the line the warning itself takes
        few = same if len(same) <= FIRST_FEW + 1 else same[:FIRST_FEW]
        lines += [shown(p) for p in few]
        if len(few) < len(same):
            hidden += len(same) - len(few)
            lines.append(f"  … and {len(same) - len(few)} more warnings like the one above")
    if hidden:
        lines.append(f"zqsite: {len(warnings)} warnings of {len(kinds)} kinds, {hidden} not shown "
                     "(build --verbose or check shows every one)")
    return lines
