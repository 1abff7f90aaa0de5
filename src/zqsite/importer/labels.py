"""Imported labels that the site would read as the same label are written the same way.

zqsite gives every label a URL slug; "Sihui City" and "sihui city" (or a labels.yaml key
`sihui-city`) would get the same /label/sihui-city/ and the build would stop. The first
spelling the site knows wins: labels.yaml's, then the existing posts', then the export's.
"""

from __future__ import annotations

from pathlib import Path

from zqsite.errors import Problems
from zqsite.importer.existing import ExistingPost
from zqsite.registry import read_labels
from zqsite.urls import slug_from_text


def known_labels(content_dir: Path, posts: list[ExistingPost]) -> dict[str, str]:
    """Label slug -> the spelling the content already uses (labels.yaml first, then the posts)."""
    known: dict[str, str] = {}
    problems = Problems()  # problems of existing files are the build's to report, not ours
    for key, label in read_labels(content_dir, problems).items():
        known.setdefault(label.slug or slug_from_text(key), key)
    for post in posts:
        for text in post.labels:
            known.setdefault(slug_from_text(text), text)
    return known


def unify_labels(labels: tuple[str, ...], known: dict[str, str], warnings: list[str]) -> tuple[str, ...]:
    """Each label in the spelling already known for its slug; new spellings become known."""
    result: list[str] = []
    for label in labels:
        slug = slug_from_text(label)
        spelling = known.setdefault(slug, label) if slug else label
        message = (f"label '{label}' is written '{spelling}', as elsewhere in the site "
                   "(both would be the same label page)")
        if spelling != label and message not in warnings:
            warnings.append(message)
        if spelling not in result:
            result.append(spelling)
    return tuple(result)
