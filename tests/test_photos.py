"""Photos: published in the widths a screen needs, upright, without metadata, cached, and
shown with srcset, sizes, width, height and lazy loading. Every image is made with Pillow here."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pytest
from PIL import Image

import sitekit
from sitekit import BASE_URL, build, image_bytes, make_site, photo_bytes, post
from zqsite import images as images_module
from zqsite.config import load_config
from zqsite.images import encode_variants, variant_widths

SERIAL = b"SN-TEST-12345"
CAMERA = b"TestCam Z9"
COMMENT = b"secret comment from the camera"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></x:xmpmeta>'
IPTC_NOTE = b"Photoshop 3.0\x00"
METADATA_MARKS = (SERIAL, CAMERA, COMMENT, b"Exif\x00\x00", b"adobe:ns:meta", IPTC_NOTE, b"ICC_PROFILE")


def camera_jpeg(width: int = 3000, height: int = 2000) -> bytes:
    """A JPEG stored sideways (EXIF orientation 6: turn 90° clockwise to show it) with GPS,
    the camera's make and serial number, XMP, an IPTC block and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = CAMERA.decode()
    exif.get_ifd(0x8769)[0xA431] = SERIAL.decode()  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (23.0, 3.0, 30.0), 3: "E", 4: (112.0, 27.0, 10.0)})
    data = image_bytes(width, height, "JPEG", exif=exif.tobytes(), xmp=XMP, comment=COMMENT, quality=90)
    payload = IPTC_NOTE + b"8BIM\x04\x04\x00\x00\x00\x00\x00\x0a\x1c\x02\x05\x00\x05Plant"
    app13 = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return data[:2] + app13 + data[2:]


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its image data."""
    markers, position = [], 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        markers.append(marker)
        if marker == 0xDA:  # start of scan: image data follows
            break
        position += 2 + struct.unpack(">H", data[position + 2:position + 4])[0]
    return markers


def photo_post(title: str, body: str, date: str = "2024-07-15") -> str:
    return post(title, date, labels=["dasha"], body=body)


def imgs(doc):
    return doc.xpath("//main//img")


def candidates(img) -> list[tuple[str, int]]:
    return [(url, int(width[:-1])) for url, width in (c.split() for c in img.get("srcset").split(","))]


@pytest.fixture(scope="module")
def camera_site(tmp_path_factory):
    site = make_site(tmp_path_factory.mktemp("camera"), posts={
        "plant.md": photo_post("The plant", "Text first.\n\n![The plant](images/plant.jpg)\n\n"
                                            "More text.\n\n![A logo](images/logo.png)\n"),
        "older.md": photo_post("Older post", "![Older plant](images/plant.jpg)", date="2024-07-01"),
    }, files={"images/plant.jpg": camera_jpeg(), "images/logo.png": image_bytes(100, 80, "PNG", color=(0, 0, 255, 128))})
    report = build(site)
    return site, report


POST = "/2024/07/the-plant.html"


def test_a_sideways_camera_photo_is_published_upright_in_portrait_sizes(camera_site):
    site, report = camera_site
    assert report.warnings == ()
    img = site.html(POST).xpath("//img[@alt='The plant']")[0]
    found = candidates(img)
    assert [width for _url, width in found] == [480, 800, 1200, 1600]
    for url, width in found:
        with Image.open(sitekit.site_file(site.output, url)) as variant:
            assert variant.size == (width, width * 3 // 2)  # 2000 x 3000 once turned
            # The lighter corner of the stored image is at the top right once turned clockwise.
            assert variant.getpixel((width - 5, 5))[0] > 200 and variant.getpixel((5, 5))[0] < 100
    assert (img.get("width"), img.get("height")) == ("1600", "2400")  # the displayed aspect ratio, 2:3


def test_no_published_file_carries_the_cameras_metadata(camera_site):
    site, _ = camera_site
    published = [p for p in site.output.rglob("*") if p.is_file()]
    photos = [p for p in published if p.suffix == ".jpg"]
    assert len(photos) == 4 and not (site.output / "images" / "plant.jpg").exists()
    for path in published:
        data = path.read_bytes()
        for mark in METADATA_MARKS:
            assert mark not in data, (path, mark)
    for path in photos:
        data = path.read_bytes()
        # Only the JFIF header (APP0), tables, frame and scan: no APP1 (EXIF, XMP), APP2 (ICC),
        # APP13 (IPTC) or COM segment.
        assert set(jpeg_segments(data)) <= {0xE0, 0xDB, 0xC4, 0xC2, 0xDA, 0xDD}, (path, jpeg_segments(data))
        with Image.open(path) as variant:
            assert not variant.getexif() and "icc_profile" not in variant.info and variant.format == "JPEG"
            assert variant.info.get("progressive") or variant.info.get("progression")


def test_every_srcset_candidate_exists_and_is_as_wide_as_it_says_on_every_page(camera_site):
    site, _ = camera_site
    seen = 0
    for url in (POST, "/", "/label/dasha/", "/2024/07/"):
        for img in imgs(site.html(url)):
            if not img.get("srcset"):
                continue
            assert img.get("sizes") == ("(min-width: 72rem) 51rem, (min-width: 60rem) calc(100vw - 21rem), "
                                        "calc(100vw - 2rem)")
            for candidate, width in candidates(img):
                with Image.open(sitekit.site_file(site.output, candidate)) as variant:
                    assert variant.width == width
                seen += 1
            src = sitekit.site_file(site.output, img.get("src"))
            with Image.open(src) as shown, Image.open(sitekit.site_file(site.output, candidates(img)[-1][0])) as big:
                assert shown.width == 800  # the middle size, for browsers without srcset
                assert abs(int(img.get("width")) / int(img.get("height")) - big.width / big.height) < 0.01
    assert seen >= 16


def test_clicking_a_photo_opens_its_largest_size(camera_site):
    site, _ = camera_site
    link = site.html(POST).xpath("//a[img[@alt='The plant']]")[0]
    assert re.fullmatch(r"/images/plant-1600\.[0-9a-f]{8}\.jpg", link.get("href"))
    assert sitekit.site_file(site.output, link.get("href")).is_file()


def test_a_small_png_is_never_enlarged(camera_site):
    site, _ = camera_site
    img = site.html(POST).xpath("//img[@alt='A logo']")[0]
    assert img.get("srcset") is None and (img.get("width"), img.get("height")) == ("100", "80")
    with Image.open(sitekit.site_file(site.output, img.get("src"))) as logo:
        assert logo.size == (100, 80) and logo.format == "PNG" and logo.mode == "RGBA"
    assert variant_widths(100, (480, 800)) == (100,) and variant_widths(1000, (480, 800, 1200)) == (480, 800, 1000)
    assert variant_widths(5000, (480, 4000)) == (480, 2048)


def test_the_first_image_of_a_page_loads_at_once_and_the_others_lazily(camera_site):
    site, _ = camera_site
    first, second = imgs(site.html(POST))
    assert first.get("loading") is None and first.get("fetchpriority") == "high"
    assert second.get("loading") == "lazy" and second.get("decoding") == "async"
    assert second.get("fetchpriority") is None
    # The same bodies on the home page: its first image is eager (no priority: it is a list), the others lazy.
    listed = imgs(site.html("/"))
    assert len(listed) == 3
    assert listed[0].get("loading") is None and listed[0].get("fetchpriority") is None
    assert all(img.get("loading") == "lazy" for img in listed[1:])
    older = imgs(site.html("/2024/07/older-post.html"))[0]  # first on its own page, second on the home page
    assert older.get("loading") is None and older.get("fetchpriority") == "high"


def test_link_previews_use_the_1200_px_variant_as_an_absolute_url(camera_site):
    site, _ = camera_site
    doc = site.html(POST)
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta[@content]")}
    assert re.fullmatch(re.escape(BASE_URL) + r"images/plant-1200\.[0-9a-f]{8}\.jpg", meta["og:image"])
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "1800")
    assert meta["twitter:image"] == meta["og:image"]
    import json

    assert json.loads(doc.xpath("string(//script[@type='application/ld+json'])"))[0]["image"] == meta["og:image"]


def test_feeds_carry_absolute_image_addresses(camera_site):
    site, _ = camera_site
    feed = site.out("/feed.xml").read_text(encoding="utf-8")
    assert "srcset=" in feed
    for srcset in re.findall(r'srcset="([^"]+)"', feed):
        for candidate in srcset.split(","):
            assert candidate.strip().startswith(BASE_URL + "images/plant-"), candidate
    assert not re.search(r'(src|href)="/', feed)


def test_a_rebuild_encodes_nothing_and_a_changed_image_replaces_its_variants(make_site, monkeypatch):
    site = make_site(posts={"plant.md": photo_post("The plant", "![The plant](images/plant.jpg)")},
                     files={"images/plant.jpg": image_bytes(1000, 750)})
    build(site)
    first_names = sorted(p.name for p in (site.output / "images").iterdir())
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".#.", n) for n in first_names] == [
        "plant-1000.#.jpg", "plant-480.#.jpg", "plant-800.#.jpg"]
    encoded = []
    real = images_module.encode_variants
    monkeypatch.setattr(images_module, "encode_variants", lambda *a: encoded.append(a) or real(*a))
    post_file = site.content / "posts" / "plant.md"
    post_file.write_text(post_file.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")
    report = build(site)  # the post is read again; its photo comes from the cache
    assert encoded == [] and report.warnings == ()
    assert sorted(p.name for p in (site.output / "images").iterdir()) == first_names

    (site.content / "images" / "plant.jpg").write_bytes(image_bytes(1000, 500, color=(200, 30, 30)))
    build(site)
    assert len(encoded) == 1  # the changed photo only, and the cached post showing it is read again
    names = sorted(p.name for p in (site.output / "images").iterdir())
    assert len(names) == 3 and not set(names) & set(first_names)  # new names: hosts may cache the old ones
    img = site.html("/2024/07/the-plant.html").xpath("//img")[0]
    assert (img.get("width"), img.get("height")) == ("1000", "500")
    cached = [p for p in (site.root / ".zqsite-cache" / "images").rglob("*.jpg")]
    assert len(cached) == 3  # the old variants left the cache too

    (site.content / "posts" / "plant.md").write_text(photo_post("The plant", "No photo now."), encoding="utf-8")
    build(site)
    assert not (site.output / "images").exists()
    assert not list((site.root / ".zqsite-cache" / "images").rglob("*.jpg"))


def test_two_builds_without_a_shared_cache_give_identical_variants(tmp_path):
    files = {"images/a.jpg": photo_bytes(1700, 1100), "images/b.png": image_bytes(900, 600, "PNG"),
             "images/c.webp": image_bytes(700, 500, "WEBP")}
    body = "![a](images/a.jpg)\n\n![b](images/b.png)\n\n![c](images/c.webp)"
    outputs = []
    for name in ("one", "two"):
        site = make_site(tmp_path / name, posts={"p.md": photo_post("Photos", body)}, files=files)
        build(site, use_cache=name == "one")
        outputs.append({p.relative_to(site.output).as_posix(): p.read_bytes()
                        for p in (site.output / "images").rglob("*")})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4 + 3 + 2


def bomb_png() -> bytes:
    """A tiny PNG whose header claims 100,000 x 100,000 pixels."""
    data = bytearray(image_bytes(8, 8, "PNG"))
    header = struct.pack(">II", 100_000, 100_000) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


def test_damaged_files_and_a_decompression_bomb_are_warnings_naming_the_post_and_line(make_site):
    whole = image_bytes(1200, 900)
    body = ("Intro.\n\n![Truncated](images/cut.jpg)\n\n![Not an image](images/text.jpg)\n\n"
            "![Bomb](images/bomb.png)\n\n![Fine](images/fine.jpg)\n")
    site = make_site(posts={"bad.md": photo_post("Bad photos", body)},
                     files={"images/cut.jpg": whole[:len(whole) // 2], "images/text.jpg": b"just some text\n",
                            "images/bomb.png": bomb_png(), "images/fine.jpg": whole})
    assert len(bomb_png()) < 200
    report = build(site)
    lines = (site.content / "posts" / "bad.md").read_text(encoding="utf-8").split("\n")
    found = {}
    for warning in report.warnings:
        assert warning.path == "posts/bad.md"
        found[re.search(r"image '([^']+)'", warning.message).group(1)] = warning
        assert warning.message.endswith("its caption is shown instead")
    assert set(found) == {"images/cut.jpg", "images/text.jpg", "images/bomb.png"}
    for src, warning in found.items():
        assert src in lines[warning.line - 1]
    assert "truncated" in found["images/cut.jpg"].message
    assert "not a JPEG, PNG, GIF or WebP image" in found["images/text.jpg"].message
    assert "decompression bomb" in found["images/bomb.png"].message
    doc = site.html("/2024/07/bad-photos.html")
    assert [img.get("alt") for img in imgs(doc)] == ["Fine"]
    assert doc.xpath("string(//span[@class='image-unavailable'][1])") == "Truncated"
    assert sorted(p.name.split("-")[0] for p in (site.output / "images").iterdir()) == ["fine"] * 3
    # Cached: the next build reports them again without reading the post or decoding anything.
    (site.content / "posts" / "other.md").write_text(photo_post("Other", "Text."), encoding="utf-8")
    again = build(site)
    assert {w.message for w in again.warnings} == {w.message for w in report.warnings}
    assert [phase for phase, _s in again.phases if phase.startswith("read ")] == ["read 1 of 2 posts"]


def test_an_8000_by_6000_photo_is_published():
    encoded = encode_variants(image_bytes(8000, 6000, quality=85), (480, 800, 1200, 1600), 82)
    assert [(v.width, v.height) for v in encoded.variants] == [(480, 360), (800, 600), (1200, 900), (1600, 1200)]


def test_colour_profile_and_animation(make_site):
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    tagged = encode_variants(image_bytes(900, 600, icc_profile=srgb), (480,), 82)
    for variant in tagged.variants:
        with Image.open(io.BytesIO(variant.data)) as image:
            assert "icc_profile" not in image.info
    frames = [Image.new("RGB", (60, 40), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0, comment=COMMENT)
    animated = encode_variants(out.getvalue(), (480,), 82)
    assert animated.extension == "gif" and len(animated.variants) == 1
    with Image.open(io.BytesIO(animated.variants[0].data)) as image:
        assert image.n_frames == 3 and COMMENT not in animated.variants[0].data


@pytest.mark.parametrize("setting, message", [
    ("image_widths: [480, 4000]", "image_widths: must be a list of widths in pixels from 16 to 2048"),
    ("image_widths: 800", "image_widths: must be a list of widths"),
    ("image_widths: []", "image_widths: must be a list of widths"),
    ("image_quality: 120", "image_quality: must be a whole number from 30 to 95"),
    ("image_quality: high", "image_quality: must be a whole number from 30 to 95"),
])
def test_image_settings_are_validated(tmp_path, setting, message):
    path = tmp_path / "site.yaml"
    path.write_text(f"title: T\n{setting}\n", encoding="utf-8")
    _config, problems = load_config(path, "site.yaml")
    (error,) = problems.errors
    assert (error.path, error.line) == ("site.yaml", 2) and message in error.message


def test_image_settings_shape_the_variants(make_site):
    site = make_site(config=sitekit.DEFAULT_CONFIG + "image_widths: [300, 600]\nimage_quality: 60\n",
                     posts={"p.md": photo_post("Photo", "![a](images/a.jpg)")},
                     files={"images/a.jpg": photo_bytes(1000, 700)})
    build(site)
    img = imgs(site.html("/2024/07/photo.html"))[0]
    assert [width for _url, width in candidates(img)] == [300, 600]
    config, _ = load_config(site.config)
    assert config.image_widths == (300, 600) and config.image_quality == 60


@pytest.mark.parametrize("start_method", ["fork", "spawn"])
def test_photos_are_encoded_in_worker_processes_of_either_start_method(make_site, monkeypatch, start_method):
    from zqsite.reader import PARALLEL_THRESHOLD

    monkeypatch.setenv("ZQSITE_START_METHOD", start_method)
    count = PARALLEL_THRESHOLD[start_method] + 4  # enough new posts for the readers' pool
    posts = {f"p{n:03d}.md": photo_post(f"Post {n}", f"![Photo {n % 4}](images/photo-{n % 4}.jpg)",
                                        date=f"2024-07-{1 + n % 28:02d}") for n in range(count)}
    files = {f"images/photo-{n}.jpg": image_bytes(900 + 100 * n, 600) for n in range(4)}
    site = make_site(posts=posts, files=files)
    report = build(site, workers=2)
    assert report.warnings == () and report.posts == count
    names = sorted(p.name for p in (site.output / "images").iterdir())
    assert len(names) == 4 * 3  # 480, 800 and the photo's own width, once each whatever process made them
    assert len(list((site.root / ".zqsite-cache" / "images").rglob("variants.json"))) == 4


def test_a_build_that_reads_many_posts_says_how_far_it_is(make_site, capsys):
    from zqsite.cli import _progress_printer

    posts = {f"p{n}.md": photo_post(f"Post {n}", f"![Photo](images/photo-{n}.jpg)") for n in range(8)}
    site = make_site(posts=posts, files={f"images/photo-{n}.jpg": image_bytes(700, 500 + n) for n in range(8)})
    calls = []
    from zqsite.pipeline import BuildOptions, build_site

    build_site(BuildOptions(content_dir=site.content, output_dir=site.output, config_path=site.config,
                            now=sitekit.FIXED_NOW),
               progress=lambda done, total, what="files": calls.append((done, total, what)))
    assert [c for c in calls if c[2] == "posts read"] == [(n, 8, "posts read") for n in range(1, 9)]
    printer = _progress_printer()  # stderr is not a terminal here: a line about every quarter
    for done, total, what in calls:
        printer(done, total, what)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["2/8 posts read", "4/8 posts read", "6/8 posts read"]
