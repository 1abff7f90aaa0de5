"""`zqsite new`: a new post file with its front matter filled in."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from zqsite import urls
from zqsite.config import SiteConfig
from zqsite.languages import normalise_language


class NewPostError(Exception):
    pass


def new_post(content_dir: Path, config: SiteConfig, title: str, labels: list[str], language: str | None,
             contacts: list[str], now: datetime | None = None) -> Path:
    """Writes content/posts/YYYY/YYYY-MM-DD-<slug>.md and returns its path; never overwrites."""
    if not title.strip():
        raise NewPostError("the title is empty")
    code = normalise_language(language, config.chinese_script) if language else config.default_language
    if code not in config.languages:
        raise NewPostError(f"the site does not publish the language '{language}'; "
                           f"it publishes {', '.join(config.languages)} (the `languages` setting of site.yaml)")
    moment = (now or datetime.now(config.tz)).astimezone(config.tz).replace(microsecond=0)
    stem = urls.slug_from_text(title) or "post"
    path = content_dir / "posts" / f"{moment:%Y}" / f"{moment:%Y-%m-%d}-{stem}.md"
    if path.exists():
        raise NewPostError(f"{path} already exists; it was left as it is")

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted string

    lines = ["---", f"title: {quoted(title.strip())}", f"date: {moment.isoformat()}",
             f"labels: [{', '.join(quoted(label.strip()) for label in labels if label.strip())}]",
             f"language: {code}"]
    if contacts:
        lines.append(f"contacts: [{', '.join(c.strip() for c in contacts if c.strip())}]")
    lines += ["---", "", "Write the post here, in Markdown.", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    return path
