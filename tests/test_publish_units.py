"""The pure parts of publishing: targets, the plan's order and headers, the publish setting."""

from __future__ import annotations

import pytest

from zqsite.config import load_config
from zqsite.publish.plan import CACHE_LONG, CACHE_MEDIA, CACHE_SHORT, emptied_folders, plan_publish, upload_of
from zqsite.publish.record import BuiltFile, scan_site
from zqsite.publish.rclone import classify
from zqsite.publish.target import TargetError, parse_target
from zqsite.search import STAMP
from zqsite.writer import MARKER


@pytest.mark.parametrize("text, remote, path, parent", [
    ("zqsite-oss:bucket/blog", "zqsite-oss", "bucket/blog", "zqsite-oss:bucket"),
    ("zqsite-oss:bucket", "zqsite-oss", "bucket", "zqsite-oss:"),
    ("zqsite-oss:", "zqsite-oss", "", None),
    (":s3,provider=Alibaba,endpoint=oss-cn-hongkong.aliyuncs.com:bucket/blog", ":s3", "bucket/blog",
     ":s3,provider=Alibaba,endpoint=oss-cn-hongkong.aliyuncs.com:bucket"),
    (":s3,endpoint='http://127.0.0.1:9000':b/c", ":s3", "b/c", ":s3,endpoint='http://127.0.0.1:9000':b"),
    (":sftp,host=example.org,user=deploy:/var/www/blog", ":sftp", "/var/www/blog",
     ":sftp,host=example.org,user=deploy:/var/www"),
    ("/srv/share/blog", "", "/srv/share/blog", "/srv/share"),
    ("mirror", "", "mirror", "."),
    ("C:\\Users\\editor\\blog", "", "C:\\Users\\editor\\blog", "C:/Users/editor"),
])
def test_targets_are_read_like_rclone_reads_them(text, remote, path, parent):
    target = parse_target(text)
    assert (target.remote, target.path, target.parent()) == (remote, path, parent)


def test_on_the_fly_parameters_are_read_with_their_quotes():
    target = parse_target(":s3,provider=Other,endpoint='http://127.0.0.1:9000',region=\"x,y\":b")
    assert target.params == (("provider", "Other"), ("endpoint", "http://127.0.0.1:9000"), ("region", "x,y"))
    assert target.backend == "s3"


@pytest.mark.parametrize("text", [
    ":s3,access_key_id=AKIA:bucket", ":s3,secret_access_key=x:bucket", "zqsite-oss,session_token=x:bucket",
    ":sftp,host=h,pass=x:/www", ":sftp,host=h,key_pem=x:/www", ":sftp,host=h,key_file=/home/me/.ssh/id:/www",
    ":azureblob,account=a,key=x:c", ":b2,application-key=x:b", ":webdav,bearer_token=x:/",
])
def test_a_target_with_a_secret_is_refused(text):
    with pytest.raises(TargetError, match="secrets belong in rclone's configuration file"):
        parse_target(text)


def test_harmless_parameters_are_not_taken_for_secrets():
    parse_target(":sftp,host=h,user=u,key_use_agent,known_hosts_file=/k,pubkey_file=/p:/www")


def test_publish_target_in_site_yaml(tmp_path):
    config = tmp_path / "site.yaml"
    config.write_text('title: "T"\npublish:\n  target: "zqsite-oss:bucket/blog"\n  targte: x\n', encoding="utf-8")
    loaded, problems = load_config(config, "site.yaml")
    assert loaded.publish_target == "zqsite-oss:bucket/blog" and not problems.errors
    assert [str(p) for p in problems.warnings] == [
        "site.yaml:4: warning: unknown publish setting 'targte' is ignored; did you mean 'target'?"]
    config.write_text('publish:\n  target: ":s3,secret_access_key=abc:b"\n', encoding="utf-8")
    _loaded, problems = load_config(config, "site.yaml")
    assert str(problems.errors[0]).startswith("site.yaml:2: error: publish.target: the target carries a secret")
    config.write_text('publish: zqsite-oss:bucket\n', encoding="utf-8")
    _loaded, problems = load_config(config, "site.yaml")
    assert str(problems.errors[0]).startswith("site.yaml:1: error: publish: must be a mapping")


def _headers(rel: str) -> tuple:
    upload = upload_of(rel, 1)
    return upload.phase, upload.content_type, upload.cache_control


def test_headers_and_phases():
    assert _headers("2024/07/a.html") == (2, "text/html; charset=utf-8", CACHE_SHORT)
    assert _headers("label/x/feed.xml") == (2, "application/rss+xml; charset=utf-8", CACHE_SHORT)
    assert _headers("ja/atom.xml") == (2, "application/atom+xml; charset=utf-8", CACHE_SHORT)
    assert _headers("_redirects") == (2, "text/plain; charset=utf-8", CACHE_SHORT)
    assert _headers("contacts/a.vcf") == (1, "text/vcard; charset=utf-8", CACHE_SHORT)
    assert _headers("images/Plant.JPG") == (1, "image/jpeg", CACHE_MEDIA)
    assert _headers("pagefind/en/pagefind-entry.json") == (1, "application/json", CACHE_SHORT)
    assert _headers("pagefind/en/fragment/en_1a2b3c4.pf_fragment") == (0, "application/octet-stream", CACHE_LONG)
    assert _headers("files/report.unknownext") == (1, None, CACHE_SHORT)


def _built(size: int, md5: str) -> BuiltFile:
    return BuiltFile(size, md5, 0, 0)


def test_the_plan_uploads_changes_in_phases_and_deletes_only_what_zqsite_published():
    site = {"index.html": _built(5, "new"), "static/site.css": _built(3, "css"),
            "pagefind/en/index/en_abcdef1.pf_index": _built(9, "idx"), "p/about.html": _built(4, "same")}
    held = {"index.html": (5, "old"), "static/site.css": (3, "css"), "p/about.html": (4, "same"),
            "2023/05/gone.html": (7, "g"), "someone-elses.txt": (1, "s")}
    plan = plan_publish(site, held, ours={"index.html", "static/site.css", "p/about.html", "2023/05/gone.html"})
    assert [u.rel for u in plan.uploads] == ["pagefind/en/index/en_abcdef1.pf_index", "index.html"]
    assert plan.deletions == ["2023/05/gone.html"] and plan.strays == ["someone-elses.txt"]
    assert plan.unchanged == 2
    pending = plan_publish(site, held, ours=set(held), unknown={"p/about.html", "2024/01/half.html"})
    assert "p/about.html" in [u.rel for u in pending.uploads] and "2024/01/half.html" in pending.deletions
    verify = plan_publish(site, held, ours=set(), delete_strays=True)
    assert verify.deletions == ["2023/05/gone.html", "someone-elses.txt"]


def test_the_search_stamps_are_not_uploaded_and_the_old_published_ones_are_deleted(tmp_path):
    bundle = tmp_path / "pagefind" / "en" / "2024-1"
    bundle.mkdir(parents=True)
    (tmp_path / MARKER).write_bytes(b"m")
    (tmp_path / "index.html").write_bytes(b"<p>")
    (bundle / "pagefind-entry.json").write_bytes(b"{}")
    (bundle / STAMP).write_bytes(b"digest")
    site = scan_site(tmp_path, {})
    assert sorted(site) == ["index.html", "pagefind/en/2024-1/pagefind-entry.json"]
    # An earlier zqsite named the stamp without the dot, and published it: the next publish deletes it.
    old = "pagefind/en/2024-1/zqsite-input.sha256"
    held = {rel: (f.size, f.md5) for rel, f in site.items()} | {old: (6, "d")}
    plan = plan_publish(site, held, ours=set(held))
    assert (plan.uploads, plan.deletions) == ([], [old])


def test_emptied_folders_are_the_topmost_ones_left_without_files():
    deleted = ["label/gone/index.html", "label/gone/page/1.html", "2023/05/a.html", "2023/06/b.html"]
    remaining = {"label/kept/index.html", "2023/06/c.html", "index.html"}
    assert emptied_folders(deleted, remaining) == ["2023/05", "label/gone"]


@pytest.mark.parametrize("message, kind", [
    ('Get "http://127.0.0.1:1/b": dial tcp 127.0.0.1:1: connect: connection refused', "unreachable"),
    ("dial tcp: lookup oss.example.invalid: no such host", "unreachable"),
    ("api error InvalidAccessKeyId: The Access Key Id you provided does not exist", "credentials"),
    ("api error SignatureDoesNotMatch: The request signature", "credentials"),
    ("couldn't connect SSH: ssh: handshake failed: ssh: unable to authenticate", "credentials"),
    ("api error NoSuchBucket: The specified bucket does not exist", "missing"),
    ("error listing: directory not found", "missing"),
    ("didn't find section in config file (\"zqsite-oss\")", "config"),
    ("api error InternalError: We encountered an internal error", "other"),
])
def test_rclone_failures_are_told_apart(message, kind):
    assert classify([message]).kind == kind
