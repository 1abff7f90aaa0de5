"""The labels in use: one label per word, however its capitals and character widths are typed.

`Travel`, `travel`, `TRAVEL` and full-width `ＴＲＡＶＥＬ` mean one label to readers and editors
(Pelican and Hugo treat them as one too): they are merged into one label page, spelled the
way `labels.yaml` spells it, else as most posts do, ties going to the oldest post's spelling.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Sequence

from zqsite import urls
from zqsite.errors import Problems
from zqsite.models import Label, Post
from zqsite.yamlsource import Scalar, Value

# A comma, the ideographic comma and the full-width comma: separators editors type in lists.
_SEPARATORS = re.compile("[,、，]")


@lru_cache(maxsize=4096)  # a few hundred labels, each in thousands of posts
def label_identity(text: str) -> str:
    """What makes two spellings one label: NFKC (full width -> ASCII) and case folded."""
    return unicodedata.normalize("NFKC", text).casefold()


def several_in_one(items: Sequence[Value]) -> tuple[str, list[str]] | None:
    """(the first unquoted value holding a comma or 、, every value split) if any holds one.

    `labels: 肇慶, 四會` is the one text "肇慶, 四會" to YAML; a quoted value is taken as meant.
    """
    first = next((i.text for i in items if isinstance(i, Scalar) and not i.quoted and _SEPARATORS.search(i.text)), None)
    if first is None:
        return None
    parts = [part.strip() for item in items if isinstance(item, Scalar) for part in _SEPARATORS.split(item.text)]
    return first, [part for part in parts if part]


def resolve_labels(posts: list[Post], entries: dict[str, Label],
                   problems: Problems) -> tuple[list[Post], tuple[Label, ...]]:
    """The posts with each label in its chosen spelling, and the labels in use with their slugs.

    A spelling other than the chosen one is a warning at its post; an empty slug, or two
    different labels with one slug, is an error.
    """
    first: dict[str, str] = {}
    for key in entries:
        other = first.setdefault(label_identity(key), key)
        if other != key:
            problems.warning("labels.yaml", None, f"labels '{other}' and '{key}' differ only in capitals or "
                             f"character width: they are one label, and the entry '{key}' is not used")
    spellings = set().union(*[post.labels for post in posts])
    if _each_spelled_one_way(spellings, first):  # the usual case: no post is rewritten
        return posts, _slugged_labels(posts, entries, problems, spellings)
    chosen, reasons = _choose_spellings(posts, first)
    final_of = {key: chosen[label_identity(key)] for key in spellings}
    spelled = []
    for post in posts:
        labels = tuple(dict.fromkeys(final_of[key] for key in post.labels))
        for key in post.labels:
            final = final_of[key]
            if key != final:
                problems.warning(post.source_path, post.line_of("labels"),
                                 f"label '{key}' is published as '{final}' ({reasons[label_identity(key)]}): "
                                 "they differ only in capitals or character width; write it so to silence this")
        if labels != post.labels:
            digest = post.digest and hashlib.sha256((post.digest + repr(labels)).encode()).hexdigest()
            post = replace(post, labels=labels, digest=digest)
        spelled.append(post)
    return spelled, _slugged_labels(spelled, entries, problems)


def _each_spelled_one_way(spellings: set[str], registered: dict[str, str]) -> bool:
    """Whether no two spellings in use are one label, and each is the one labels.yaml has."""
    seen: dict[str, str] = {}
    for key in spellings:
        identity = label_identity(key)
        if seen.setdefault(identity, key) != key or registered.get(identity, key) != key:
            return False
    return True


def _choose_spellings(posts: list[Post], registered: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """identity -> the spelling to publish, and why it was chosen (`registered`: identity ->
    the spelling of labels.yaml)."""
    uses: dict[str, dict[str, list]] = {}  # identity -> spelling -> [posts, oldest date]
    group_of: dict[str, dict[str, list]] = {}  # spelling -> its identity's entry of `uses`
    for post in posts:
        date = post.date
        for key in post.labels:
            spellings = group_of.get(key)
            if spellings is None:  # once per spelling, not once per use (the identity is slow to make)
                spellings = group_of[key] = uses.setdefault(label_identity(key), {})
            use = spellings.get(key)
            if use is None:
                spellings[key] = [1, date]
            else:
                use[0] += 1
                if date < use[1]:
                    use[1] = date
    chosen, reasons = {}, {}
    for identity, spellings in uses.items():
        if identity in registered:
            chosen[identity], reasons[identity] = registered[identity], "as labels.yaml spells it"
            continue
        best = min(spellings, key=lambda s: (-spellings[s][0], spellings[s][1], s))
        tied = [s for s in spellings if spellings[s][0] == spellings[best][0]]
        chosen[identity] = best
        reasons[identity] = "as most posts spell it" if len(tied) == 1 else "as the oldest post spells it"
    return chosen, reasons


def _slugged_labels(posts: list[Post], entries: dict[str, Label], problems: Problems,
                    spellings: set[str] | None = None) -> tuple[Label, ...]:
    if spellings is not None:  # each label's slug, without a look at every post unless two clash
        slugs = {key: _slug_of(key, entries) for key in spellings}
        if all(slugs.values()) and len(set(slugs.values())) == len(slugs):
            return tuple(sorted((Label(key=key, slug=slug, names=entries[key].names if key in entries else ())
                                 for key, slug in slugs.items()), key=lambda label: label.key.lower()))
    labels: dict[str, Label] = {}
    by_slug: dict[str, str] = {}
    for post in posts:
        for key in post.labels:
            if key in labels:
                continue
            entry = entries.get(key)
            slug = _slug_of(key, entries)
            line = post.line_of("labels")
            if not slug:
                problems.error(post.source_path, line, f"label '{key}' gives an empty URL: give it a slug in labels.yaml")
                continue
            if slug in by_slug:
                problems.error(post.source_path, line, f"label '{key}' gets the same URL /label/{slug}/ as label "
                               f"'{by_slug[slug]}': write them the same way, or give one a slug in labels.yaml")
                continue
            by_slug[slug] = key
            labels[key] = Label(key=key, slug=slug, names=entry.names if entry else ())
    return tuple(sorted(labels.values(), key=lambda label: label.key.lower()))


def _slug_of(key: str, entries: dict[str, Label]) -> str:
    """labels.yaml's slug for the label, else one made from its name ("" if it has no letters)."""
    entry = entries.get(key)
    return (entry.slug if entry and entry.slug else "") or urls.slug_from_text(key)
