"""Blogger's HTML -> the same content in plain, well-nested HTML (paragraphs, not <div> soup).

Blogger's editors write `<div>`s instead of paragraphs, `<div><br></div>` for blank lines,
`<span style=…>` and `<font>` around everything, `&nbsp;` between words, and put each
captioned image in a `tr-caption-container` table. All of that is layout, not content.
"""

from __future__ import annotations

from typing import Callable

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "thead", "tbody",
    "tfoot", "tr", "td", "th", "blockquote", "pre", "hr", "figure", "figcaption", "dl", "dt", "dd",
    "section", "article", "header", "footer", "center", "address",
})
# Containers whose inner layout is left as it is: Markdown has no paragraphs inside them.
_OPAQUE = frozenset({"pre", "table", "ul", "ol", "dl", "li", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6"})
_DROP = ("script", "style", "noscript", "object", "embed", "form", "input", "button", "meta", "link")
_UNWRAP = ("span", "font", "o:p", "section", "article", "header", "footer", "center", "small", "big", "u", "abbr")
_KEEP_ATTRIBUTES = {"a": ("href", "title"), "img": ("src", "alt", "title"), "td": ("colspan", "rowspan"),
                    "th": ("colspan", "rowspan"), "ol": ("start",), "iframe": ("src",)}
_INLINE_EMPHASIS = frozenset({"b", "strong", "i", "em", "a", "s", "strike", "sup", "sub"})
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".svg")


def clean_blogger_html(html: str, rewrite_image: Callable[[str], str] | None = None) -> BeautifulSoup:
    """Parses and cleans a post's HTML; `rewrite_image` may change each image's address."""
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for anchor in soup.find_all("a"):
        if anchor.get("name") and not anchor.get("href"):  # Blogger's jump break <a name="more">
            anchor.unwrap()
    _captioned_images(soup)
    _unwrap_image_links(soup)
    _iframes_to_links(soup)
    for tag in soup.find_all(_UNWRAP):
        tag.unwrap()
    _hoist_edge_breaks(soup)
    for tag in soup.find_all(True):
        keep = _KEEP_ATTRIBUTES.get(tag.name, ())
        tag.attrs = {name: value for name, value in tag.attrs.items() if name in keep}
    for text in soup.find_all(string=True):
        if "\xa0" in text or "\u200b" in text:
            text.replace_with(text.replace("\xa0", " ").replace("\u200b", ""))
    if rewrite_image is not None:
        for img in soup.find_all("img"):
            if img.get("src"):
                img["src"] = rewrite_image(img["src"])
    _paragraphs(soup)
    _drop_empty(soup)
    return soup


def _captioned_images(soup: BeautifulSoup) -> None:
    """A caption table becomes the image, then its caption as an italic paragraph."""
    for table in soup.find_all("table"):
        classes = table.get("class") or []
        caption_cell = table.find(class_="tr-caption")
        if "tr-caption-container" not in classes and caption_cell is None:
            continue
        images = table.find_all("img")
        caption = " ".join(caption_cell.get_text(" ").split()) if caption_cell else ""
        replacement = []
        for img in images:
            paragraph = soup.new_tag("p")
            image = soup.new_tag("img", src=img.get("src", ""), alt=img.get("alt") or caption)
            paragraph.append(image)
            replacement.append(paragraph)
        if caption:
            paragraph = soup.new_tag("p")
            emphasis = soup.new_tag("em")
            emphasis.string = caption
            paragraph.append(emphasis)
            replacement.append(paragraph)
        for element in reversed(replacement):
            table.insert_after(element)
        table.decompose()


def _unwrap_image_links(soup: BeautifulSoup) -> None:
    """Blogger links each image to its own full-size copy (a lightbox): the image is the content."""
    for anchor in soup.find_all("a"):
        children = [c for c in anchor.contents if not (isinstance(c, NavigableString) and not c.strip())]
        if len(children) == 1 and isinstance(children[0], Tag) and children[0].name == "img":
            href = (anchor.get("href") or "").lower().split("?")[0]
            if href.endswith(_IMAGE_SUFFIXES) or "blogger.googleusercontent.com" in href or "bp.blogspot.com" in href:
                anchor.unwrap()


def _iframes_to_links(soup: BeautifulSoup) -> None:
    """An embedded video becomes a link to it (the site publishes iframes only from trusted hosts)."""
    for frame in soup.find_all("iframe"):
        src = frame.get("src") or ""
        if src.startswith("//"):
            src = "https:" + src
        if src.startswith(("http://", "https://")):
            paragraph = soup.new_tag("p")
            link = soup.new_tag("a", href=src)
            link.string = src
            paragraph.append(link)
            frame.replace_with(paragraph)
        else:
            frame.decompose()


def _hoist_edge_breaks(soup: BeautifulSoup) -> None:
    """<b>Name<br></b>Address… -> <b>Name</b><br>Address…: Markdown emphasis cannot hold a line break."""
    for br in soup.find_all("br"):
        parent = br.parent
        while isinstance(parent, Tag) and parent.name in _INLINE_EMPHASIS:
            siblings = [c for c in parent.contents if not (isinstance(c, NavigableString) and not c.strip())]
            if siblings and siblings[-1] is br:
                parent.insert_after(br.extract())
            elif siblings and siblings[0] is br:
                parent.insert_before(br.extract())
            else:
                break
            parent = br.parent


def _is_block(node: object) -> bool:
    return isinstance(node, Tag) and node.name in BLOCK_TAGS


def _paragraphs(node: Tag) -> None:
    """Turns <div>s and loose text into <p>s, splitting at blank lines (<br><br>)."""
    for child in list(node.children):
        if isinstance(child, Tag) and child.name not in _OPAQUE and (child.name in BLOCK_TAGS):
            _paragraphs(child)
    if node.name in ("div", "center"):
        if not any(_is_block(c) for c in node.children):
            node.name = "p"
            _split_at_blank_lines(node)
            return
        _wrap_loose_inline(node)
        node.unwrap()
    elif node.name in ("[document]", "blockquote", "figure", "section", "article"):
        _wrap_loose_inline(node)
    elif node.name == "p":
        _split_at_blank_lines(node)


def _wrap_loose_inline(container: Tag) -> None:
    """Runs of text and inline tags between blocks become paragraphs."""
    run: list = []

    def flush() -> None:
        if run and any(not isinstance(n, NavigableString) or n.strip() for n in run):
            paragraph = BeautifulSoup("", "html.parser").new_tag("p")
            run[0].insert_before(paragraph)
            for item in run:
                paragraph.append(item.extract())
            _split_at_blank_lines(paragraph)
        run.clear()

    for child in list(container.children):
        if _is_block(child):
            flush()
        else:
            run.append(child)
    flush()


def _split_at_blank_lines(paragraph: Tag) -> None:
    """<p>a<br><br>b</p> -> <p>a</p><p>b</p>; a single <br> stays a line break."""
    parts: list[list] = [[]]
    pending_breaks: list = []
    for child in list(paragraph.contents):
        if isinstance(child, Tag) and child.name == "br":
            pending_breaks.append(child)
            continue
        if isinstance(child, NavigableString) and not child.strip() and pending_breaks:
            continue
        if len(pending_breaks) >= 2:
            parts.append([])
        elif pending_breaks:
            parts[-1].extend(pending_breaks)
        pending_breaks = []
        parts[-1].append(child)
    if len(parts) == 1:
        _trim_breaks(paragraph)
        return
    for part in parts:
        new = BeautifulSoup("", "html.parser").new_tag("p")
        for item in part:
            new.append(item.extract())
        _trim_breaks(new)
        paragraph.insert_before(new)
    paragraph.decompose()


def _trim_breaks(paragraph: Tag) -> None:
    """Line breaks at the start or end of a paragraph show nothing."""
    while paragraph.contents and _is_break_or_blank(paragraph.contents[0]):
        paragraph.contents[0].extract()
    while paragraph.contents and _is_break_or_blank(paragraph.contents[-1]):
        paragraph.contents[-1].extract()


def _is_break_or_blank(node: object) -> bool:
    return (isinstance(node, Tag) and node.name == "br") or (isinstance(node, NavigableString) and not node.strip())


def _drop_empty(soup: BeautifulSoup) -> None:
    """Removes paragraphs, headings and emphasis that hold no text and no image."""
    for tag in reversed(soup.find_all(["p", "h1", "h2", "h3", "h4", "h5", "h6", "b", "strong", "i", "em", "a", "li"])):
        if not tag.get_text().strip() and tag.find("img") is None:
            if tag.get_text() and tag.name in ("b", "strong", "i", "em", "a"):
                tag.replace_with(" ")  # "word<b> </b>word": the space still separates the words
            else:
                tag.decompose()
