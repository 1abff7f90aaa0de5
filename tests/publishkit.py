"""Real hosts for the publishing tests: `rclone serve s3` and `rclone serve sftp` on 127.0.0.1
over a temporary folder, and a proxy in front of a server that makes chosen requests fail.

Each server is a real rclone process the test starts and stops; the client side is the
rclone that zqsite runs, pointed at the server by an on-the-fly remote, its keys in
RCLONE_* environment variables as an editor's would be.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

from zqsite.publish.rclone import find_rclone

ACCESS_KEY = "zqsitetestaccess"
SECRET_KEY = "zqsite-test-secret-key"
SFTP_USER, SFTP_PASSWORD = "deploy", "zqsite-test-password"
_LISTENING = re.compile(r"(?:on \[http://|listening on )127\.0\.0\.1:(\d+)")


class RcloneServer:
    """`rclone serve <protocol>` over a folder; use as a context manager or call stop()."""

    def __init__(self, protocol: str, folder: Path, log: Path, *options: str) -> None:
        self.protocol, self.folder, self.log = protocol, folder, log
        folder.mkdir(parents=True, exist_ok=True)
        self.options = options
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self, port: int = 0) -> "RcloneServer":
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [find_rclone(), "serve", self.protocol, str(self.folder), "--addr", f"127.0.0.1:{port}",
                 *self.options], stdout=log, stderr=log, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            found = _LISTENING.findall(self.log.read_text(encoding="utf-8", errors="replace"))
            if found and (port == 0 or int(found[-1]) == port):
                self.port = int(found[-1])
                return self
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"rclone serve {self.protocol} did not start: {self.log.read_text(encoding='utf-8')[-2000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> "RcloneServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def s3_server(folder: Path, log: Path) -> RcloneServer:
    """An S3 server whose buckets are the sub-folders of `folder` (bucket "site" is made)."""
    (folder / "site").mkdir(parents=True, exist_ok=True)
    return RcloneServer("s3", folder, log, "--auth-key", f"{ACCESS_KEY},{SECRET_KEY}")


def sftp_server(folder: Path, log: Path, key_cache: Path) -> RcloneServer:
    # The host keys are made once per test session (making an RSA key takes a few seconds).
    return RcloneServer("sftp", folder, log, "--user", SFTP_USER, "--pass", SFTP_PASSWORD,
                        "--cache-dir", str(key_cache))


def s3_target(port: int, path: str = "site/blog") -> str:
    return f":s3,provider=Other,endpoint='http://127.0.0.1:{port}':{path}"


def sftp_target(port: int, path: str = "www/blog") -> str:
    return f":sftp,host=127.0.0.1,port={port},user={SFTP_USER},known_hosts_file=none:{path}"


def client_environment(monkeypatch, tmp_path: Path, secret: str = SECRET_KEY) -> None:  # noqa: ANN001
    """The rclone client's settings, as an editor or a CI job sets them: keys in RCLONE_*
    variables, and an rclone configuration of its own (not the machine's)."""
    monkeypatch.setenv("RCLONE_CONFIG", str(tmp_path / "rclone.conf"))
    monkeypatch.setenv("RCLONE_S3_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("RCLONE_S3_SECRET_ACCESS_KEY", secret)
    obscured = subprocess.run([find_rclone(), "obscure", SFTP_PASSWORD], capture_output=True, text=True, encoding="utf-8",
                              check=True).stdout.strip()
    monkeypatch.setenv("RCLONE_SFTP_PASS", obscured)


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every file below a folder: an upload replaces the file (a new inode)."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            stat = path.stat()
            found[path.relative_to(folder).as_posix()] = (stat.st_ino, stat.st_mtime_ns)
    return found


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """The files of a folder but zqsite's own (the output marker, the search index's stamps),
    which are not published."""
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in folder.rglob("*")
            if path.is_file() and not path.name.startswith(".zqsite")}


def empty_folders(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir() and not any(p.iterdir()))


class FaultyProxy:
    """An HTTP proxy on 127.0.0.1 in front of a real server: forwards every request as it is,
    except those `fail(method, path)` picks, which get a 500 (as a storage host sometimes answers)."""

    def __init__(self, upstream_port: int, fail: Callable[[str, str], bool]) -> None:
        self.upstream_port, self.fail = upstream_port, fail
        self.requests: list[tuple[str, str, int]] = []  # method, path, status sent back
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def _forward(self) -> None:
                body = self._body()
                if proxy.fail(self.command, self.path):
                    proxy.requests.append((self.command, self.path, 500))
                    payload = b"<?xml version='1.0'?><Error><Code>InternalError</Code><Message>injected</Message></Error>"
                    self.send_response(500)
                    self.send_header("Content-Type", "application/xml")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in ("transfer-encoding", "content-length", "connection"):
                        upstream.putheader(name, value)
                upstream.putheader("Content-Length", str(len(body)))
                upstream.endheaders(body)
                response = upstream.getresponse()
                data = response.read()
                proxy.requests.append((self.command, self.path, response.status))
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "content-length", "connection", "date", "server"):
                        self.send_header(name, value)
                # A HEAD answer tells the size of the object it has no body for.
                length = response.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            def _body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FaultyProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def fail_puts_after(count: int) -> Callable[[str, str], bool]:
    """Lets `count` uploads through, then fails every upload (the host broke half-way)."""
    seen = {"puts": 0}
    lock = threading.Lock()

    def fail(method: str, path: str) -> bool:
        if method != "PUT":
            return False
        with lock:
            seen["puts"] += 1
            return seen["puts"] > count

    return fail


def fail_every_nth_put_once(n: int) -> Callable[[str, str], bool]:
    """Fails the first upload of every n-th object once (a transient error); its retry goes through."""
    seen: dict[str, int] = {}
    failed: set[str] = set()
    lock = threading.Lock()

    def fail(method: str, path: str) -> bool:
        if method != "PUT":
            return False
        with lock:
            key = path.split("?")[0]
            if key not in seen:
                seen[key] = len(seen)
            if seen[key] % n == 0 and key not in failed:
                failed.add(key)
                return True
            return False

    return fail
