"""`zqsite publish` against real hosts on 127.0.0.1: `rclone serve s3` and `rclone serve sftp`.

Every test builds a small blog, publishes it with the command an editor types and then looks
at the server's own folder: its bytes, and the inode and mtime of each file (an upload
replaces a file, so a file that kept both was not touched).
"""

from __future__ import annotations

import io
import json
import os
import subprocess

import pytest
from PIL import Image

from publishkit import (FaultyProxy, client_environment, empty_folders, fail_every_nth_put_once, fail_puts_after,
                        s3_server, s3_target, sftp_server, sftp_target, stamps, tree_bytes)
from sitekit import build, make_site, post
from zqsite.cli import main
from zqsite.publish.plan import CACHE_LONG, CACHE_SHORT
from zqsite.publish.rclone import find_rclone
from zqsite.publish.record import record_dir
from zqsite.search import STAMP
from zqsite.writer import MARKER, staging_dir

CONTACTS = 'sihui-bureau:\n  name: "Investment Promotion Bureau of Sihui City"\n  tel: "0086-758-3611228"\n'


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (24, 16), colour).save(out, format="PNG")
    return out.getvalue()


def blog(tmp_path):
    """A blog of seven posts: two labels, one post alone under its label (to delete), a photo, a contact."""
    posts = {f"p{i}.md": post(f"Post number {i}", f"2024-0{1 + i % 6}-1{i}T10:00:00+08:00",
                              labels=["dasha" if i % 2 else "sihui"], contacts=["sihui-bureau"] if i == 0 else [],
                              body=f"Body of post {i}.\n\n![The plant](images/plant.png)" if i == 1 else None)
             for i in range(6)}
    posts["lonely.md"] = post("A post to delete", "2023-05-05T09:00:00+08:00", labels=["only-here"])
    site = make_site(tmp_path, posts=posts, contacts=CONTACTS, files={"images/plant.png": png("teal")})
    build(site)
    return site


def edit(site, *names: str) -> None:
    for name in names:
        path = site.content / "posts" / name
        path.write_text(path.read_text(encoding="utf-8").replace("Second paragraph", "An edited paragraph"),
                        encoding="utf-8")


def edit_and_delete(site, *names: str) -> None:
    """An editor's change: posts' bodies edited (p3's by default), the lonely post deleted; then a build."""
    edit(site, *(names or ("p3.md",)))
    (site.content / "posts" / "lonely.md").unlink()
    build(site)


def publish(site, target: str, *options: str, capsys) -> tuple[int, str, str]:
    code = main(["publish", "--output", str(site.output), "--config", str(site.config), "--target", target, *options])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def record_files(site) -> dict[str, bytes]:
    folder = record_dir(site.output)
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


@pytest.fixture
def s3(tmp_path, monkeypatch):
    client_environment(monkeypatch, tmp_path)
    with s3_server(tmp_path / "s3", tmp_path / "s3.log") as server:
        server.served = tmp_path / "s3" / "site" / "blog"  # bucket "site", folder "blog"
        yield server


@pytest.fixture(scope="session")
def sftp_keys(tmp_path_factory):
    return tmp_path_factory.mktemp("sftp-host-keys")


# --- the whole site, then only what changed ------------------------------------------------

def test_publish_puts_the_build_on_s3_byte_for_byte(tmp_path, s3, capsys):
    site = blog(tmp_path)
    code, out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert (code, err) == (0, "")
    files = tree_bytes(site.output)
    assert tree_bytes(s3.served) == files
    assert MARKER not in os.listdir(s3.served)
    stamps_built = [p for p in site.output.rglob("*.sha256") if p.name == STAMP]
    assert stamps_built and all(p.parent.parent.parent.name == "pagefind" for p in stamps_built)
    assert not [p for p in s3.served.rglob("*") if "sha256" in p.name]  # no search stamp is served
    summary = out.strip().splitlines()[-1]
    assert summary.startswith(f"uploaded {len(files)} files (")
    assert summary.endswith(f"deleted 0, 0 unchanged; {summary.split('; ')[1]}")
    assert summary.endswith(f"→ {s3_target(s3.port)}")

    again = publish(site, s3_target(s3.port), capsys=capsys)
    assert again[0] == 0 and again[1].startswith(f"uploaded 0 files (0 B), deleted 0, {len(files)} unchanged;")


def test_an_edit_and_a_deletion_upload_exactly_what_the_build_changed(tmp_path, s3, capsys):
    site = blog(tmp_path)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    before, server_before = tree_bytes(site.output), stamps(s3.served)
    edit_and_delete(site)
    after = tree_bytes(site.output)
    changed = {rel for rel, data in after.items() if before.get(rel) != data}
    removed = set(before) - set(after)
    assert "2024/04/post-number-3.html" in changed and "2023/05/a-post-to-delete.html" in removed
    assert len(changed) < len(after) // 2

    code, out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert (code, err) == (0, "")
    server_after = stamps(s3.served)
    touched = {rel for rel, stamp in server_after.items() if server_before.get(rel) != stamp}
    assert touched == changed  # exactly the files the build changed were uploaded
    assert not removed & set(server_after)  # the deleted post's files are gone
    assert tree_bytes(s3.served) == after
    assert out.startswith(f"uploaded {len(changed)} files (") and f"deleted {len(removed)}, " in out
    assert f"{len(after) - len(changed)} unchanged" in out


def test_uploads_come_in_order_and_deletions_last(tmp_path, s3, capsys):
    site = blog(tmp_path)
    with FaultyProxy(s3.port, lambda method, path: False) as proxy:
        assert publish(site, s3_target(proxy.port), capsys=capsys)[0] == 0
        edit_and_delete(site)
        proxy.requests.clear()
        assert publish(site, s3_target(proxy.port), capsys=capsys)[0] == 0
    puts = [path.split("?")[0] for method, path, _status in proxy.requests if method == "PUT"]
    kinds = ["content-named" if path.endswith((".pf_fragment", ".pf_index", ".pf_meta"))
             else "page" if path.endswith((".html", ".xml", ".txt", ".conf", "/_redirects")) else "asset"
             for path in puts]
    assert kinds == sorted(kinds, key=["content-named", "asset", "page"].index), puts
    assert {"content-named", "asset", "page"} <= set(kinds)
    methods = [method for method, _path, _status in proxy.requests if method in ("PUT", "DELETE", "POST")]
    last_put = max(i for i, method in enumerate(methods) if method == "PUT")
    assert last_put < methods.index("POST" if "POST" in methods else "DELETE")  # S3 deletes in a batch POST


def test_a_dry_run_lists_and_changes_nothing(tmp_path, s3, capsys):
    site = blog(tmp_path)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    before = tree_bytes(site.output)
    edit_and_delete(site)
    after = tree_bytes(site.output)
    server, record = stamps(s3.served), record_files(site)

    code, out, err = publish(site, s3_target(s3.port), "--dry-run", capsys=capsys)
    assert (code, err) == (0, "")
    lines = out.strip().splitlines()
    changed = {rel for rel, data in after.items() if before.get(rel) != data}
    removed = set(before) - set(after)
    assert lines[0].startswith(f"dry run: would upload {len(changed)} files (")
    assert f"and delete {len(removed)};" in lines[0]
    assert {line.split("  ", 1)[1] for line in lines[1:] if line.startswith("upload  ")} == changed
    assert {line.split("  ", 1)[1] for line in lines[1:] if line.startswith("delete  ")} == removed
    assert stamps(s3.served) == server and record_files(site) == record


# --- headers ----------------------------------------------------------------------------------

def test_content_type_and_cache_control_are_kept_by_the_s3_server(tmp_path, s3, capsys):
    site = blog(tmp_path)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    listing = subprocess.run([find_rclone(), "lsjson", "-R", "--files-only", "-M", s3_target(s3.port)],
                             capture_output=True, text=True, encoding="utf-8", check=True).stdout
    meta = {entry["Path"]: entry["Metadata"] for entry in json.loads(listing)}
    expected = {
        "index.html": ("text/html; charset=utf-8", CACHE_SHORT),
        "feed.xml": ("application/rss+xml; charset=utf-8", CACHE_SHORT),
        "atom.xml": ("application/atom+xml; charset=utf-8", CACHE_SHORT),
        "label/dasha/feed.xml": ("application/rss+xml; charset=utf-8", CACHE_SHORT),
        "sitemap.xml": ("application/xml; charset=utf-8", CACHE_SHORT),
        "contacts/sihui-bureau.vcf": ("text/vcard; charset=utf-8", CACHE_SHORT),
        "static/site.css": ("text/css; charset=utf-8", CACHE_SHORT),
        "static/site.js": ("text/javascript; charset=utf-8", CACHE_SHORT),
    }
    photos = [rel for rel in meta if rel.startswith("images/plant") and rel.endswith(".png")]
    assert photos  # the photo's variants, named by their content
    expected.update({rel: ("image/png", CACHE_LONG) for rel in photos})
    for rel, (content_type, cache) in expected.items():
        assert (meta[rel]["content-type"], meta[rel]["cache-control"]) == (content_type, cache), rel
    fragments = [rel for rel in meta if rel.endswith(".pf_fragment")]
    assert fragments and all(meta[rel]["cache-control"] == CACHE_LONG for rel in fragments)


# --- bad cases: one line, non-zero, the target as it was --------------------------------------

def test_wrong_credentials_fail_cleanly_and_change_nothing(tmp_path, s3, capsys, monkeypatch):
    site = blog(tmp_path)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    edit_and_delete(site)
    server, record = stamps(s3.served), record_files(site)
    monkeypatch.setenv("RCLONE_S3_SECRET_ACCESS_KEY", "not-the-secret-key")
    code, out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("zqsite: the host of ") and "refused the credentials" in err and "nothing was changed" in err
    assert stamps(s3.served) == server and record_files(site) == record


def test_a_stopped_server_fails_cleanly_and_the_next_publish_works(tmp_path, s3, capsys):
    site = blog(tmp_path)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    edit_and_delete(site)
    server, record = stamps(s3.served), record_files(site)
    s3.stop()
    code, out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("zqsite: cannot reach the host of ") and "connection refused" in err
    assert stamps(s3.served) == server and record_files(site) == record
    s3.start(s3.port)
    assert publish(site, s3_target(s3.port), capsys=capsys)[0] == 0
    assert tree_bytes(s3.served) == tree_bytes(site.output)


def test_no_such_bucket_or_folder(tmp_path, s3, capsys):
    site = blog(tmp_path)
    code, _out, err = publish(site, s3_target(s3.port, "no-such-bucket/blog"), capsys=capsys)
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"zqsite: no such bucket or folder: {s3_target(s3.port, 'no-such-bucket/blog')}")
    assert sorted(os.listdir(tmp_path / "s3")) == ["site"]  # nothing was created
    # A new folder in a bucket that is there is fine: the first upload makes it.
    assert publish(site, s3_target(s3.port, "site/new/blog"), capsys=capsys)[0] == 0
    assert tree_bytes(tmp_path / "s3" / "site" / "new" / "blog") == tree_bytes(site.output)


def test_a_failure_half_way_keeps_every_old_file_and_the_next_publish_finishes(tmp_path, s3, capsys):
    site = blog(tmp_path)
    with FaultyProxy(s3.port, lambda method, path: False) as proxy:
        target = s3_target(proxy.port)
        assert publish(site, target, capsys=capsys)[0] == 0
        old = tree_bytes(s3.served)
        edit_and_delete(site, "p1.md", "p2.md", "p4.md")  # many pages change
        new = tree_bytes(site.output)
        record = record_files(site)

        proxy.fail = fail_puts_after(4)
        code, out, err = publish(site, target, capsys=capsys)
        assert code == 1 and out == "" and err.count("\n") == 1 and "Traceback" not in err
        assert err.startswith("zqsite: could not upload ") and "the target keeps every file it had" in err
        assert any(status == 500 for _m, _p, status in proxy.requests)
        held = tree_bytes(s3.served)
        assert set(old) <= set(held)  # every old file is still there, the deleted post's too
        assert all(held[rel] in (old.get(rel), new.get(rel)) for rel in held)  # each old or new, never broken
        assert held != old  # it failed half-way: some new files are there
        after = record_files(site)
        assert {name: after[name] for name in record} == record  # the record as it was, and a pending list
        assert [name for name in after if name not in record][0].endswith(".pending.json")

        proxy.fail = lambda method, path: False
        code, out, err = publish(site, target, capsys=capsys)
        assert (code, err) == (0, "")
    assert tree_bytes(s3.served) == new


def test_going_back_after_a_failed_publish_restores_the_old_files(tmp_path, s3, capsys):
    # The failed publish left some new files on the target; the content is then put back as it
    # was. The record alone would say the target holds the old files: the pending list knows better.
    site = blog(tmp_path)
    with FaultyProxy(s3.port, lambda method, path: False) as proxy:
        target = s3_target(proxy.port)
        assert publish(site, target, capsys=capsys)[0] == 0
        old = tree_bytes(s3.served)
        path = site.content / "posts" / "p2.md"
        original = path.read_text(encoding="utf-8")
        edit(site, "p2.md")
        build(site)
        proxy.fail = fail_puts_after(3)
        assert publish(site, target, capsys=capsys)[0] == 1
        assert tree_bytes(s3.served) != old
        path.write_text(original, encoding="utf-8")
        build(site)
        assert tree_bytes(site.output) == old
        proxy.fail = lambda method, path: False
        assert publish(site, target, capsys=capsys)[0] == 0
    assert tree_bytes(s3.served) == old


def test_transient_server_errors_are_retried(tmp_path, s3, capsys):
    site = blog(tmp_path)
    with FaultyProxy(s3.port, fail_every_nth_put_once(4)) as proxy:
        code, out, err = publish(site, s3_target(proxy.port), capsys=capsys)
    assert (code, err) == (0, "")
    assert sum(status == 500 for _m, _p, status in proxy.requests) >= 5
    assert tree_bytes(s3.served) == tree_bytes(site.output)


def test_a_secret_in_the_target_is_refused(tmp_path, s3, capsys):
    site = blog(tmp_path)
    target = f":s3,provider=Other,endpoint='http://127.0.0.1:{s3.port}',secret_access_key=abc:site/blog"
    code, out, err = publish(site, target, capsys=capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "secret_access_key" in err and "rclone config" in err and "RCLONE_" in err
    assert not any((tmp_path / "s3" / "site").iterdir())

    site.config.write_text(site.config.read_text(encoding="utf-8") + "publish:\n  target: \"zq-sftp,pass=hunter2:/www\"\n",
                           encoding="utf-8")
    code = main(["publish", "--output", str(site.output), "--config", str(site.config)])
    err = capsys.readouterr().err
    line = len(site.config.read_text(encoding="utf-8").splitlines())
    assert code == 1 and err.startswith(f"{site.config}:{line}: error: publish.target: the target carries a secret (pass)")


def test_the_target_comes_from_site_yaml(tmp_path, s3, capsys):
    site = blog(tmp_path)
    site.config.write_text(site.config.read_text(encoding="utf-8") + f"publish:\n  target: \"{s3_target(s3.port)}\"\n",
                           encoding="utf-8")
    code = main(["publish", "--output", str(site.output), "--config", str(site.config), "-q"])
    out, err = capsys.readouterr()
    assert (code, out, err) == (0, "", "")
    assert tree_bytes(s3.served) == tree_bytes(site.output)


def test_only_a_finished_zqsite_build_is_published(tmp_path, s3, capsys):
    site = make_site(tmp_path, posts={"a.md": post("A", "2024-01-01", labels=["x"])})
    code, _out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and "no build yet in" in err and "python build.py" in err
    site.output.mkdir()
    (site.output / "index.html").write_text("not ours", encoding="utf-8")
    code, _out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and f"no {MARKER} marker" in err
    (site.output / "index.html").unlink()
    site.output.rmdir()
    build(site)
    staging_dir(site.output).mkdir()  # what a running (or interrupted) build has beside the output
    code, _out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and "a build is writing" in err
    assert not any((tmp_path / "s3" / "site").iterdir())


def test_rclone_missing_is_one_line(tmp_path, s3, capsys, monkeypatch):
    from zqsite.publish import rclone as rclone_module

    site = blog(tmp_path)

    def no_distribution(name):  # noqa: ANN001, ANN202
        raise rclone_module.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(rclone_module.metadata, "distribution", no_distribution)
    monkeypatch.setattr(rclone_module.sysconfig, "get_path", lambda name: str(tmp_path / "no-scripts"))
    monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
    code, _out, err = publish(site, s3_target(s3.port), capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and err.startswith("zqsite: rclone missing: ")
    assert not any((tmp_path / "s3" / "site").iterdir())


# --- a target changed by someone else ---------------------------------------------------------

def _rclone(*args: str) -> None:
    subprocess.run([find_rclone(), *args], check=True, capture_output=True)


def test_verify_compares_with_the_target_and_repairs_it(tmp_path, s3, capsys):
    site = blog(tmp_path)
    target = s3_target(s3.port)
    assert publish(site, target, capsys=capsys)[0] == 0
    (tmp_path / "other.html").write_text("somebody else's page", encoding="utf-8")
    _rclone("copyto", str(tmp_path / "other.html"), target + "/2024/01/post-number-0.html")
    _rclone("copyto", str(tmp_path / "other.html"), target + "/stray/page.html")
    code, out, _err = publish(site, target, capsys=capsys)  # the record says all is well
    assert code == 0 and out.startswith("uploaded 0 files")
    code, out, _err = publish(site, target, "--verify", capsys=capsys)
    assert code == 0 and "uploaded 1 file (" in out and "deleted 1," in out
    assert tree_bytes(s3.served) == tree_bytes(site.output)


def test_a_change_at_the_top_of_the_target_is_noticed_without_verify(tmp_path, s3, capsys):
    site = blog(tmp_path)
    target = s3_target(s3.port)
    assert publish(site, target, capsys=capsys)[0] == 0
    (tmp_path / "index.html").write_text("published from another machine", encoding="utf-8")
    _rclone("copyto", str(tmp_path / "index.html"), target + "/index.html")
    code, out, _err = publish(site, target, capsys=capsys)
    assert code == 0 and "compared with the target itself: its top folder differs" in out
    assert tree_bytes(s3.served) == tree_bytes(site.output)


def test_without_a_record_the_target_is_compared_and_strays_are_left(tmp_path, s3, capsys):
    site = blog(tmp_path)
    target = s3_target(s3.port)
    assert publish(site, target, capsys=capsys)[0] == 0
    _rclone("copyto", str(site.output / "index.html"), target + "/old-blogger-page.html")
    for path in record_dir(site.output).iterdir():
        path.unlink()  # e.g. a new machine
    before = set(tree_bytes(site.output))
    edit_and_delete(site)
    removed = before - set(tree_bytes(site.output))  # the deleted post's files
    code, out, _err = publish(site, target, capsys=capsys)
    assert code == 0 and "no record of an earlier publish" in out
    assert f"{len(removed) + 1} files on the target are not part of the site and were left alone" in out
    held = tree_bytes(s3.served)
    assert {rel for rel in held if rel not in tree_bytes(site.output)} >= {"old-blogger-page.html"}
    assert all(held[rel] == data for rel, data in tree_bytes(site.output).items())


# --- SFTP and a local folder --------------------------------------------------------------------

def test_publish_over_sftp_uploads_what_changed_and_removes_emptied_folders(tmp_path, monkeypatch, capsys, sftp_keys):
    client_environment(monkeypatch, tmp_path)
    site = blog(tmp_path)
    served = tmp_path / "sftp" / "www" / "blog"
    (tmp_path / "sftp" / "www").mkdir(parents=True)
    with sftp_server(tmp_path / "sftp", tmp_path / "sftp.log", sftp_keys) as server:
        target = sftp_target(server.port)
        code, _out, err = publish(site, target, capsys=capsys)
        assert (code, err) == (0, "")
        assert tree_bytes(served) == tree_bytes(site.output)
        before, server_before = tree_bytes(site.output), stamps(served)
        edit_and_delete(site)
        code, _out, err = publish(site, target, capsys=capsys)
        assert (code, err) == (0, "")
    after = tree_bytes(site.output)
    assert tree_bytes(served) == after
    changed = {rel for rel, data in after.items() if before.get(rel) != data}
    server_after = stamps(served)
    assert {rel for rel, stamp in server_after.items() if server_before.get(rel) != stamp} == changed
    assert not (served / "label" / "only-here").exists() and empty_folders(served) == []


def test_wrong_sftp_password_fails_cleanly(tmp_path, monkeypatch, capsys, sftp_keys):
    client_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("RCLONE_SFTP_PASS", subprocess.run([find_rclone(), "obscure", "wrong"], capture_output=True,
                                                          text=True, encoding="utf-8", check=True).stdout.strip())
    site = blog(tmp_path)
    (tmp_path / "sftp" / "www").mkdir(parents=True)
    with sftp_server(tmp_path / "sftp", tmp_path / "sftp.log", sftp_keys) as server:
        code, _out, err = publish(site, sftp_target(server.port), capsys=capsys)
    assert code == 1 and err.count("\n") == 1 and "refused the credentials" in err
    assert os.listdir(tmp_path / "sftp" / "www") == []


def test_a_local_folder_is_a_target_too_but_not_the_output(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    site = blog(tmp_path)
    (tmp_path / "share").mkdir()
    assert publish(site, str(tmp_path / "share" / "blog"), capsys=capsys)[0] == 0
    assert tree_bytes(tmp_path / "share" / "blog") == tree_bytes(site.output)
    code, _out, err = publish(site, str(site.output / "copy"), capsys=capsys)
    assert code == 1 and "is, holds or is inside the output folder" in err
    code, _out, err = publish(site, str(tmp_path / "no-such-share" / "blog"), capsys=capsys)
    assert code == 1 and err.startswith("zqsite: no such bucket or folder: ")


def test_a_terminal_sees_a_progress_line(tmp_path, s3):
    import pty

    site = blog(tmp_path)
    leader, follower = pty.openpty()
    process = subprocess.run(
        [os.sys.executable, "-m", "zqsite", "publish", "--output", str(site.output), "--config", str(site.config),
         "--target", s3_target(s3.port)], stderr=follower, stdout=subprocess.PIPE, timeout=120)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.returncode == 0
    files = len(tree_bytes(site.output))
    assert f"publishing: {files}/{files} files".encode() in shown
    assert process.stdout.decode().splitlines()[-1].startswith(f"uploaded {files} files")


def test_a_named_remote_from_rclones_configuration(tmp_path, s3, capsys):
    site = blog(tmp_path)
    (tmp_path / "rclone.conf").write_text(  # as `rclone config` writes it; the keys stay in RCLONE_S3_*
        f"[zqsite-test]\ntype = s3\nprovider = Other\nendpoint = http://127.0.0.1:{s3.port}\n", encoding="utf-8")
    code, out, err = publish(site, "zqsite-test:site/blog", capsys=capsys)
    assert (code, err) == (0, "") and out.splitlines()[-1].endswith("→ zqsite-test:site/blog")
    assert tree_bytes(s3.served) == tree_bytes(site.output)
    listing = subprocess.run([find_rclone(), "lsjson", "-M", "zqsite-test:site/blog/index.html"],
                             capture_output=True, text=True, encoding="utf-8", check=True).stdout
    assert json.loads(listing)[0]["Metadata"]["content-type"] == "text/html; charset=utf-8"  # an S3 remote: headers
    code, _out, err = publish(site, "no-such-remote:site/blog", capsys=capsys)
    assert code == 1 and err.startswith("zqsite: rclone's configuration: rclone has no remote called 'no-such-remote'")
