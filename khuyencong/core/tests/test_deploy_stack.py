"""The production stack with two app servers behind one nginx, on loopback (docs/deploy.md).

One app server is `make serve`'s script (deploy/serve.sh: migrate, collectstatic, …, then
gunicorn, a task worker and recover_jobs), the other a second gunicorn on the same database
and uploads folder, as a second machine would be. In front, nginx runs the shipped site
(deploy/nginx/) with the documented production settings (deploy/khuyencong.env.example):
HTTPS with a certificate made for the test, both app servers in its upstream, static files
and the protected uploads served by nginx itself. The database is an SQLite file, or a new
PostgreSQL database on the server DATABASE_URL names.

nginx hands requests to the app servers in turn and says which one answered (X-Upstream, the
only lines the test adds to the site), so a login on one server, an upload, a download through
X-Accel-Redirect and an export made by the task worker are shown to work whichever server
answers each request. Needs Debian's nginx-light and openssl (.ci/run installs them).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from PIL import Image

from khuyencong.core.tests.test_deploy import production_env

pytestmark = pytest.mark.deploy

ROOT = Path(settings.BASE_DIR)
NGINX_DIR = ROOT / "deploy" / "nginx"
BIN = Path(sys.executable).parent
PASSWORD = "mat-khau-thu-nghiem"


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        if os.environ.get("KC_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{name} is missing: see APT_PACKAGES in .ci/run")
        pytest.skip(f"{name} is missing (apt-get install nginx-light openssl)")
    return path


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"the shipped nginx configuration no longer has {old!r}"
    return text.replace(old, new)


def _descendants(pid: int) -> list[int]:
    """Processes started by ``pid`` (its children's children too), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    return found


class Stack:
    """The processes the test started, their logs, and how to stop them."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        with (self.tmp / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own scripts and Debian's nginx
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self.processes[name] = process
        return process

    def logs(self) -> str:
        parts = []
        for path in sorted(self.tmp.glob("*.log")) + sorted(self.tmp.glob("nginx/*.log")):
            text = path.read_text(errors="replace")
            parts.append(f"--- {path.name} (end) ---\n{text[-4000:]}")
        return "\n".join(parts)

    def wait_ready(self, name: str, url: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            process = self.processes[name]
            if process.poll() is not None:
                pytest.fail(f"{name} stopped with {process.returncode}\n{self.logs()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(1)
        pytest.fail(f"{name} did not answer {url} within {timeout} s\n{self.logs()}")

    def wait_listening(self, name: str, port: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                pytest.fail(f"{name} stopped\n{self.logs()}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.2)
        pytest.fail(f"{name} is not listening on {port}\n{self.logs()}")

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                for pid in [*_descendants(process.pid), process.pid]:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                process.wait(timeout=30)


class Browser:
    """Cookies, CSRF tokens and no automatic redirects: each answer is looked at."""

    def __init__(self, base: str, cafile: Path) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context(cafile=str(cafile))

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar),
            urllib.request.HTTPSHandler(context=context),
            NoRedirect(),
        )
        self.upstreams: list[tuple[str, int, str]] = []  # (path, status, app server)

    def request(
        self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        if data is not None:
            # A browser's form post: same origin, from a page of the site.
            request.add_header("Origin", self.base)
            request.add_header("Referer", self.base + "/")
        try:
            answer = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            answer = error
        with answer:
            status, body = answer.status, answer.read()
            answer_headers: dict[str, str] = {}
            for key, value in answer.headers.items():  # a repeated header: its values joined
                key = key.lower()
                answer_headers[key] = (
                    f"{answer_headers[key]}, {value}" if key in answer_headers else value
                )
        self.upstreams.append((path, status, answer_headers.get("x-upstream", "")))
        return status, answer_headers, body

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.jar if cookie.name == name)

    def post_form(self, path: str, fields: dict[str, str], files: dict | None = None):
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            boundary = uuid.uuid4().hex
            parts = []
            for name, value in fields.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content, mime) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {mime}\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        return self.request(path, body, {"Content-Type": content_type})


def _database_url(tmp: Path) -> tuple[str, str | None]:
    """An empty database for the stack: (its URL, the PostgreSQL database to drop after)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp / 'var' / 'stack.sqlite3'}", None
    import psycopg

    name = f"kc_stack_{secrets.token_hex(4)}"
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _nginx_config(tmp: Path, ports: dict[str, int], cert: Path, key: Path) -> Path:
    """The shipped site, with this test's ports, certificate and folders."""
    site = (NGINX_DIR / "khuyencong.conf").read_text()
    site = _replace(
        site,
        "server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;",
        f"server 127.0.0.1:{ports['app_a']};\n    server 127.0.0.1:{ports['app_b']};",
    )
    site = _replace(site, "listen 80;\n    listen [::]:80;", f"listen 127.0.0.1:{ports['http']};")
    site = _replace(
        site,
        "listen 443 ssl http2;\n    listen [::]:443 ssl http2;",
        f"listen 127.0.0.1:{ports['https']} ssl http2;",
    )
    site = _replace(site, "server_name khuyencong.example.gov.vn;", "server_name 127.0.0.1;")
    site = _replace(
        site, "/etc/letsencrypt/live/khuyencong.example.gov.vn/fullchain.pem", str(cert)
    )
    site = _replace(site, "/etc/letsencrypt/live/khuyencong.example.gov.vn/privkey.pem", str(key))
    site = _replace(site, "/var/log/nginx/", f"{tmp}/nginx/")
    site = _replace(site, "root /var/www/html;", f"root {tmp}/nginx;")
    locations = (NGINX_DIR / "khuyencong-locations.conf").read_text()
    locations = _replace(locations, "/var/lib/khuyencong/static/", f"{tmp}/static/")
    locations = _replace(locations, "/var/lib/khuyencong/media/", f"{tmp}/media/")
    # Which app server answered (for an upload, the one whose X-Accel-Redirect nginx followed).
    tell = "    add_header X-Upstream $upstream_addr always;\n"
    locations = _replace(locations, "location / {\n", "location / {\n" + tell)
    locations = _replace(locations, "    internal;\n", "    internal;\n" + tell)
    (tmp / "nginx" / "locations.conf").write_text(locations)
    site = _replace(
        site,
        "include /opt/khuyencong/deploy/nginx/khuyencong-locations.conf;",
        f"include {tmp}/nginx/locations.conf;",
    )
    (tmp / "nginx" / "site.conf").write_text(site)
    main = tmp / "nginx" / "nginx.conf"
    # Started by root (a CI container), nginx's workers would run as nobody, who may not
    # read the test's folders: keep them as the user running the test.
    user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
    temp = tmp / "nginx" / "temp"
    main.write_text(
        f"""daemon off;
{user}worker_processes 1;
pid {tmp}/nginx/nginx.pid;
error_log {tmp}/nginx/error.log info;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log {tmp}/nginx/access.log;
    include {tmp}/nginx/site.conf;
}}
"""
    )
    return main


DATA = """
import json
from khuyencong.accounts.factories import UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.models import Province
from khuyencong.registry.factories import EstablishmentFactory
province = Province.objects.get(code="66")
commune = province.communes.order_by("code").first()
UserFactory(username="canbo", role=Role.PROVINCIAL_OFFICER, province=province)
establishment = EstablishmentFactory(name="Cơ sở gốm Buôn Đôn", commune=commune)
print(json.dumps({"establishment": establishment.pk}))
"""


def test_two_app_servers_and_a_worker_behind_nginx_serve_every_request(tmp_path):
    nginx, openssl = _tool("nginx"), _tool("openssl")
    tmp = tmp_path
    for folder in ("var", "media", "static", "nginx/temp"):
        (tmp / folder).mkdir(parents=True)
    ports = dict(zip(("app_a", "app_b", "http", "https"), _free_ports(4), strict=True))
    cert, key = tmp / "nginx" / "cert.pem", tmp / "nginx" / "key.pem"
    subprocess.run(  # noqa: S603 - Debian's openssl with fixed arguments
        [
            *(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1"),
        ],
        check=True,
        capture_output=True,
    )
    database_url, pg_database = _database_url(tmp)
    site = f"https://127.0.0.1:{ports['https']}"
    env = production_env(
        tmp,
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=site,
        # Every export goes to the task worker, however small.
        JOBS_INLINE_MAX_ROWS="0",
        WEB_CONCURRENCY="2",
        HOST="127.0.0.1",
        PORT=str(ports["app_a"]),
        RECOVER_EVERY="5",
        KC_PYTHON=sys.executable,
        KC_GUNICORN=str(BIN / "gunicorn"),
    )
    stack = Stack(tmp)
    try:
        # Server A: `make serve`'s script prepares everything, then serves with its worker.
        serve = stack.start("serve", [str(ROOT / "deploy" / "serve.sh")], env)
        health = "http://127.0.0.1:{}/healthz/"
        # collectstatic compresses every static file: minutes on a small, busy machine.
        stack.wait_ready("serve", health.format(ports["app_a"]), timeout=900)
        # Server B: another gunicorn on the same database and uploads, as on a second machine.
        stack.start(
            "app_b",
            [str(BIN / "gunicorn"), "--config", "deploy/gunicorn.conf.py"],
            {**env, "GUNICORN_BIND": f"127.0.0.1:{ports['app_b']}"},
        )
        stack.wait_ready("app_b", health.format(ports["app_b"]), timeout=120)
        made = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", "shell", "-c", DATA],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        establishment = json.loads(made.stdout.strip().splitlines()[-1])["establishment"]

        config = _nginx_config(tmp, ports, cert, key)
        checked = subprocess.run(  # noqa: S603
            [nginx, "-t", "-c", str(config), "-p", f"{tmp}/nginx/", "-e", f"{tmp}/nginx/error.log"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert checked.returncode == 0, checked.stderr
        stack.start(
            "nginx",
            [nginx, "-c", str(config), "-p", f"{tmp}/nginx/", "-e", f"{tmp}/nginx/error.log"],
            env,
        )
        stack.wait_listening("nginx", ports["https"], timeout=30)
        browser = Browser(site, cert)
        _walk_through(browser, stack, tmp, ports, establishment)

        # Ctrl-C on `make serve`: gunicorn, the task worker and recover_jobs all stop.
        children = _descendants(serve.pid)
        assert len(children) >= 3
        serve.send_signal(signal.SIGINT)
        assert serve.wait(timeout=120) == 0, stack.logs()
        time.sleep(1)
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists()], stack.logs()
    finally:
        stack.stop_all()
        if pg_database:
            _drop_database(pg_database)


def _walk_through(browser: Browser, stack: Stack, tmp: Path, ports: dict, establishment: int):
    app_a, app_b = f"127.0.0.1:{ports['app_a']}", f"127.0.0.1:{ports['app_b']}"

    # Plain HTTP only leads to HTTPS.
    status, headers, _ = browser.request(f"http://127.0.0.1:{ports['http']}/login/")
    assert status == 301 and headers["location"].startswith("https://127.0.0.1"), headers

    # The login page, its static files from nginx (hashed names, compressed, a year).
    status, headers, body = browser.request("/login/")
    assert status == 200, stack.logs()
    assert "max-age=31536000; includeSubDomains; preload" in headers["strict-transport-security"]
    css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    assert css, body[:2000]
    status, headers, _ = browser.request(css.group(1).decode(), headers={"Accept-Encoding": "gzip"})
    assert status == 200 and "x-upstream" not in headers  # nginx itself, not an app server
    assert headers.get("content-encoding") == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"

    # Log in (the session is in the database: every app server knows it).
    status, headers, _ = browser.post_form("/login/", {"username": "canbo", "password": PASSWORD})
    assert status == 302 and headers["location"] == "/", stack.logs()
    for _ in range(2):  # two requests in a row: nginx gives them to both servers
        status, _, body = browser.request("/")
        assert status == 200 and b"/logout/" in body, stack.logs()

    # Upload a product photo; the app re-encodes it into the uploads folder.
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 90, 40)).save(picture, "PNG")
    detail = f"/establishments/{establishment}/"
    status, headers, _ = browser.post_form(
        f"{detail}products/",
        {"name": "Bình gốm men lam", "description": ""},
        {"photo": ("binh-gom.png", picture.getvalue(), "image/png")},
    )
    assert status == 302 and headers["location"] == detail, stack.logs()
    status, _, body = browser.request(detail)
    assert status == 200
    photo_url = re.search(rb'src="(/establishments/photos/\d+/)"', body).group(1).decode()
    stored = [p for p in (tmp / "media").rglob("*") if p.is_file()]
    assert len(stored) == 1, stored

    # Download it, twice (one answer from each server): nginx sends the stored bytes.
    for _ in range(2):
        status, headers, body = browser.request(photo_url)
        assert status == 200, stack.logs()
        assert body == stored[0].read_bytes()
        assert headers["content-type"].startswith("image/")
        assert headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in headers["content-security-policy"]
        assert "private" in headers["cache-control"]
        assert "x-accel-redirect" not in headers
    # What the app server itself answered: no bytes, only where nginx finds them.
    session = browser.cookie("sessionid")
    request = urllib.request.Request(
        f"http://{app_b}{photo_url}",
        headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        relative = stored[0].relative_to(tmp / "media").as_posix()
        assert answer.headers["X-Accel-Redirect"] == f"/_protected/{relative}"
        assert answer.read() == b""
    # The internal location cannot be asked for directly.
    status, _, _ = browser.request(f"/_protected/{relative}")
    assert status == 404

    # An export: queued by an app server, made by the task worker, downloaded through nginx.
    status, headers, _ = browser.request("/establishments/export/?format=xlsx")
    assert status == 302, stack.logs()
    job_page = headers["location"]
    job = re.fullmatch(r"/jobs/(\d+)/", job_page).group(1)
    deadline = time.monotonic() + 180
    while True:
        status, _, body = browser.request(job_page)
        assert status == 200
        if f"/jobs/{job}/download/".encode() in body:
            break
        assert time.monotonic() < deadline, f"the export did not finish\n{stack.logs()}"
        time.sleep(1)
    status, headers, body = browser.request(f"/jobs/{job}/download/")
    assert status == 200, stack.logs()
    assert "attachment" in headers["content-disposition"]
    made = [p for p in (tmp / "media" / "jobs" / "out" / job).iterdir() if p.is_file()]
    assert len(made) == 1 and body == made[0].read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert "Cơ sở gốm Buôn Đôn" in [row[0] for row in sheet.iter_rows(values_only=True)]
    # Photos and results alike readable by nginx's own user in a real installation.
    assert {p.stat().st_mode & 0o777 for p in (stored[0], made[0])} == {0o644}

    # Each kind of request was answered by both app servers.
    answered = [(path, upstream) for path, status, upstream in browser.upstreams if upstream]
    assert {upstream for _, upstream in answered} == {app_a, app_b}, browser.upstreams
    for kind in ("/", photo_url, job_page):
        servers = {upstream for path, upstream in answered if path == kind}
        assert servers == {app_a, app_b}, (kind, browser.upstreams)
