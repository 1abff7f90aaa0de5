"""Post bodies: Markdown -> safe HTML with local images resolved, in any process.

A body job holds plain values only, so that a process pool can convert many bodies at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zqsite import photos, urls
from zqsite.markup import ImageTag, MarkdownConverter


@dataclass(frozen=True)
class BodyJob:
    """Everything needed to convert one body, in any process."""

    path: str  # relative to the content folder
    body: str
    body_line: int
    content_dir: str
    base_path: str
    trust_html: bool
    iframe_hosts: tuple[str, ...]
    images: photos.ImageSettings | None = None  # None: images are copied as they are


@dataclass(frozen=True)
class BodyResult:
    html: str
    images: tuple[str, ...]  # links of the images shown
    assets: tuple[tuple[str, str], ...]  # (site URL, file) of each file to publish: variants, other images
    missing: tuple[tuple[str, int], ...]  # (src, line) of images not found
    links: tuple[tuple[str, int], ...]  # (link, line) of local links
    bad: tuple[tuple[str, int, str], ...] = ()  # (src, line, why) of images that cannot be published
    sources: tuple[tuple[str, int, int], ...] = ()  # photos_stamp() of each photo shown or refused
    preview: tuple[str, int, int] | tuple[()] = ()  # (site URL, width, height) for link previews


_CONVERTERS: dict[tuple[bool, tuple[str, ...]], MarkdownConverter] = {}


def convert_body(job: BodyJob) -> BodyResult:
    """Markdown -> safe HTML with image sources resolved; one converter per process, reused."""
    key = (job.trust_html, job.iframe_hosts)
    converter = _CONVERTERS.get(key)
    if converter is None:
        converter = _CONVERTERS[key] = MarkdownConverter(job.trust_html, job.iframe_hosts)
    content_dir = Path(job.content_dir)
    source_file = content_dir / job.path
    assets: list[tuple[str, str]] = []
    bad: list[tuple[str, str]] = []
    sources: list[tuple[str, int, int]] = []
    previews: list[tuple[str, int, int]] = []
    href = lambda url: urls.href(job.base_path, url)  # noqa: E731

    def image_href(src: str) -> str | ImageTag | None:
        found = resolve_image(src, source_file, content_dir)
        if found is None:
            return None
        url, source = found
        if job.images is None or not photos.is_encoded(source):
            assets.append((url, source))
            return href(url)
        sources.append(photos.source_stamp(source))
        published = photos.publish(source, url, job.images)
        if isinstance(published, str):
            bad.append((src, published))
            return ImageTag(text_instead="")  # its alt text
        assets.extend((variant_url, file) for variant_url, file, _w, _h in published.variants)
        preview = published.nearest(photos.PREVIEW_WIDTH)
        previews.append((preview[0], preview[2], preview[3]))
        attributes, link = photos.image_attributes(published, href)
        return ImageTag(tuple(attributes.items()), link)

    converted = converter.convert(job.body, image_href, job.base_path)

    def line_of(text: str) -> int:
        index = job.body.find(text)
        return job.body_line + job.body[:index].count("\n") if index >= 0 else job.body_line

    return BodyResult(converted.html, converted.images, tuple(dict.fromkeys(assets)),
                      tuple((src, line_of(src)) for src in converted.missing_images),
                      tuple((link, line_of(link)) for link in converted.links),
                      tuple((src, line_of(src), why) for src, why in bad), tuple(dict.fromkeys(sources)),
                      previews[0] if previews else ())


def resolve_image(src: str, source_file: Path, content_dir: Path) -> tuple[str, str] | None:
    """A local image's (site URL, file): its path below the content folder; None if missing."""
    path = unquote(urlsplit(src).path)
    root = content_dir.resolve()
    candidates = [root / path.lstrip("/")] if path.startswith("/") else [source_file.parent / path, root / path]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
            relative = resolved.relative_to(root)
        except (OSError, ValueError):
            continue  # outside the content folder: never published
        if resolved.is_file():
            return "/" + relative.as_posix(), str(resolved)
    return None
