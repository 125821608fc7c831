"""The reference deployment's request path, for real: the shipped `deploy/Caddyfile` run by Caddy over HTTPS in
front of two app replicas (sharing Postgres and a Chroma server, signed in by header as in
`deploy/compose.yaml`) and a stand-in for oauth2-proxy, driven by Chromium.

The Caddyfile is rendered for loopback by replacing addresses only: the site address becomes
`https://localhost:PORT` with Caddy's own certificate authority (`tls internal`), the service names become
127.0.0.1 ports, and the global options gain the listen addresses a shared machine needs (the admin endpoint,
the plain-HTTP port) and `skip_install_trust`, so Caddy never adds its root to the system's trust store. The
test checks that undoing exactly those changes gives back the shipped file, byte for byte.

The stand-in identity proxy answers `/oauth2/auth` as oauth2-proxy does with `--set-xauthrequest`: 202 with
`X-Auth-Request-Email` for a request carrying its session cookie, else 401. `/oauth2/sign_in` is a form that
sets that cookie. Needs caddy (INTERVIEWER_REQUIRE_CADDY=1 fails instead of skipping), Chromium, Postgres and
Chroma (see test_replicas.py).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import importlib.util
import os
import shutil
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlparse

import pytest


def _module(name: str, file: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _module("browser_harness", "conftest.py")
_app = _module("browser_app_steps", "test_app_browser.py")
_replicas = _module("browser_replicas", "test_replicas.py")

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]

CADDYFILE = _h.REPO_ROOT / "deploy" / "Caddyfile"
AUTH_HEADER = "X-Auth-Request-Email"
SESSION_COOKIE = "stand_in_session"
STICKY_COOKIE = "interviewer_replica"
ANSWER = "We serve 500 million daily users and the home page must answer within 200 milliseconds at peak."


# --- the shipped Caddyfile, rendered for loopback ---------------------------------------------------------


@dataclass(frozen=True)
class Loopback:
    """Where each part of the deployment listens on this machine."""

    https: int
    http: int
    admin: int
    identity: int
    replicas: tuple[int, int]

    @property
    def addresses(self) -> dict[str, str]:
        """Each address in the shipped file and what it becomes, with how often it must occur."""
        one, two = self.replicas
        return {
            "{$INTERVIEWER_DOMAIN} {": f"https://localhost:{self.https} {{\n\ttls internal",
            "oauth2-proxy:4180": f"127.0.0.1:{self.identity}",
            "app-1:8501": f"127.0.0.1:{one}",
            "app-2:8501": f"127.0.0.1:{two}",
        }

    @property
    def global_options(self) -> str:
        return f"\tadmin 127.0.0.1:{self.admin}\n\thttp_port {self.http}\n\tskip_install_trust\n"


EXPECTED_COUNTS = {"{$INTERVIEWER_DOMAIN} {": 1, "oauth2-proxy:4180": 2, "app-1:8501": 1, "app-2:8501": 1}
GLOBAL_EMAIL = "\temail {$ACME_EMAIL}\n"


def render_caddyfile(shipped: str, where: Loopback) -> str:
    for address, count in EXPECTED_COUNTS.items():
        assert shipped.count(address) == count, f"the Caddyfile no longer names {address} {count} time(s)"
    assert shipped.count(GLOBAL_EMAIL) == 1
    rendered = shipped.replace(GLOBAL_EMAIL, GLOBAL_EMAIL + where.global_options)
    for address, loopback in where.addresses.items():
        rendered = rendered.replace(address, loopback)
    return rendered


def unrender_caddyfile(rendered: str, where: Loopback) -> str:
    """The rendered file with the loopback changes undone; equal to the shipped file when only they were made."""
    text = rendered.replace(where.global_options, "", 1)
    for address, loopback in where.addresses.items():
        text = text.replace(loopback, address)
    return text


# --- a stand-in for oauth2-proxy ----------------------------------------------------------------------------

SIGN_IN_PAGE = """<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Stand-in identity provider</h1><p>Requested: <code>{rd}</code></p>
<form method="post" action="/oauth2/sign_in?rd={rd_query}">
<label>E-mail <input name="email" type="email"></label> <button type="submit">Sign in</button>
</form></body></html>"""


class _IdentityHandler(BaseHTTPRequestHandler):
    auth_checks: list[dict[str, str]]  # set on the subclass per server
    redirects: list[str]  # every `rd` it was asked to go back to after sign-in
    site: str  # the site's host:port, the only place it sends a browser back to

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _user(self) -> str | None:
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == SESSION_COOKIE and value:
                return unquote(value)
        return None

    def _send(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlparse(self.path)
        if url.path == "/oauth2/auth":
            self.auth_checks.append(dict(self.headers.items()))
            user = self._user()
            if user is None:
                self._send(401, {})
            else:
                self._send(202, {AUTH_HEADER: user, "X-Auth-Request-User": user.split("@")[0]})
        elif url.path == "/oauth2/sign_in":
            rd = parse_qs(url.query).get("rd", ["/"])[0]
            page = SIGN_IN_PAGE.format(rd=html.escape(rd), rd_query=quote(rd, safe=""))
            self._send(200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
        else:
            self._send(404, {})

    def do_POST(self) -> None:
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length", "0"))
        email = parse_qs(self.rfile.read(length).decode()).get("email", [""])[0]
        if url.path != "/oauth2/sign_in" or not email:
            self._send(400, {})
            return
        # Back to the page asked for, as oauth2-proxy does with --whitelist-domain=DOMAIN:*: an absolute `rd`
        # only to the site itself, on the port it was asked on; anything else goes to the site's root.
        rd = parse_qs(url.query).get("rd", ["/"])[0]
        target = urlparse(rd)
        back = rd if (target.scheme, target.netloc) == ("https", self.site) else "/"
        self.redirects.append(rd)
        cookie = f"{SESSION_COOKIE}={quote(email)}; Path=/; Secure; HttpOnly; SameSite=Lax"
        self._send(302, {"Location": back or "/", "Set-Cookie": cookie})


@contextlib.contextmanager
def identity_proxy(port: int, site: str, redirects: list[str]) -> Iterator[list[dict[str, str]]]:
    """Serve the stand-in on 127.0.0.1:`port` for the site at `site` (host:port); yields the headers of every
    `/oauth2/auth` check it answered, and adds every `rd` it followed after a sign-in to `redirects`."""
    checks: list[dict[str, str]] = []
    handler = type(
        "IdentityHandler", (_IdentityHandler,), {"auth_checks": checks, "redirects": redirects, "site": site}
    )
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield checks
    finally:
        server.shutdown()
        server.server_close()


# --- Caddy ----------------------------------------------------------------------------------------------------


def caddy_binary() -> str:
    caddy = shutil.which("caddy")
    if caddy is None:
        if os.environ.get("INTERVIEWER_REQUIRE_CADDY") == "1":
            pytest.fail("INTERVIEWER_REQUIRE_CADDY=1 but caddy is not installed (apt-get install caddy)")
        pytest.skip("caddy is not installed (apt-get install caddy)")
    return caddy


def _insecure() -> ssl.SSLContext:
    """Caddy's internal CA is trusted nowhere; these requests check behaviour, not the certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage]:
    """GET `path` from Caddy without following redirects: the status and the response headers."""
    conn = http.client.HTTPSConnection("localhost", port, timeout=10, context=_insecure())
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.msg
    finally:
        conn.close()


@contextlib.contextmanager
def running_caddy(config: Path, where: Loopback, home: Path) -> Iterator[str]:
    caddy = caddy_binary()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "ACME_EMAIL": "ops@example.com",
    }
    _h.ARTIFACTS.mkdir(exist_ok=True)
    log = (_h.ARTIFACTS / "caddy.log").open("wb")
    proc = subprocess.Popen(
        [caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"caddy exited with {proc.returncode}; see test-artifacts/caddy.log"
            try:
                fetch(where.https, "/_stcore/health")
                break
            except OSError:
                assert time.monotonic() < deadline, "caddy did not serve HTTPS within 60 s"
                time.sleep(0.3)
        yield f"https://localhost:{where.https}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass(frozen=True)
class Deployment:
    url: str
    where: Loopback
    auth_checks: list[dict[str, str]]
    store: Any
    redirects: list[str]


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    caddy_binary()
    sign_in = {"INTERVIEWER_AUTH": "header", "INTERVIEWER_AUTH_HEADER": AUTH_HEADER}
    with _replicas.serving_replicas(tmp_path, sign_in) as (one, two, store):
        where = Loopback(
            https=_h._free_port(),
            http=_h._free_port(),
            admin=_h._free_port(),
            identity=_h._free_port(),
            replicas=(urlparse(one).port or 0, urlparse(two).port or 0),
        )
        shipped = CADDYFILE.read_text(encoding="utf-8")
        rendered = render_caddyfile(shipped, where)
        config = tmp_path / "Caddyfile"
        config.write_text(rendered, encoding="utf-8")
        redirects: list[str] = []
        with (
            identity_proxy(where.identity, f"localhost:{where.https}", redirects) as checks,
            running_caddy(config, where, tmp_path / "caddy") as url,
        ):
            yield Deployment(url, where, checks, store, redirects)


# --- the tests --------------------------------------------------------------------------------------------


def replica_cookie(response: tuple[int, http.client.HTTPMessage]) -> str | None:
    """The sticky cookie's value that a successful response sets, or None when it sets none."""
    status, headers = response
    assert status == 200, status
    for cookie in headers.get_all("Set-Cookie") or []:
        name, _, rest = cookie.partition("=")
        if name == STICKY_COOKIE:
            return rest.split(";", 1)[0]
    return None


def test_the_rendering_changes_only_addresses() -> None:
    shipped = CADDYFILE.read_text(encoding="utf-8")
    where = Loopback(https=8443, http=8080, admin=2999, identity=4999, replicas=(8601, 8602))
    rendered = render_caddyfile(shipped, where)

    assert unrender_caddyfile(rendered, where).encode() == shipped.encode()
    for address in EXPECTED_COUNTS:
        assert address not in rendered
    changed = set(rendered.splitlines()) - set(shipped.splitlines())
    assert changed == {
        "https://localhost:8443 {",
        "\ttls internal",
        "\tadmin 127.0.0.1:2999",
        "\thttp_port 8080",
        "\tskip_install_trust",
        "\t\treverse_proxy 127.0.0.1:4999 {",
        "\t\t\tforward_auth 127.0.0.1:4999 {",
        "\t\treverse_proxy 127.0.0.1:8601 127.0.0.1:8602 {",
    }


def _context(browser: Any, headers: dict[str, str] | None = None) -> Any:
    return browser.new_context(
        viewport={"width": 1400, "height": 1000}, ignore_https_errors=True, extra_http_headers=headers or {}
    )


def sign_in(page: Any, url: str, email: str, *, path: str = "/", shot: str | None = None) -> None:
    """Open `path` on the site, get sent to the identity proxy's sign-in page, sign in as `email`, and be back
    on `path` (with the site's port)."""
    page.goto(f"{url}{path}")
    page.wait_for_url("**/oauth2/sign_in?**")
    if shot:
        _h.screenshot(page, shot)
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Sign in").click()
    try:
        page.locator('[data-test-script-state="notRunning"]').wait_for()
    except Exception:
        _h.screenshot(page, "deploy-after-sign-in")
        raise AssertionError(
            f"the app did not finish loading after sign-in; the browser is at {page.url}"
        ) from None
    _app.settled(page)
    if page.get_by_text("Sign in to practise").count():
        _h.screenshot(page, "deploy-not-signed-in")
        pytest.fail(f"signed in as {email} at the proxy, but the app saw no {AUTH_HEADER} header")
    assert page.url == f"{url}{path}", page.url
    if path == "/":
        page.get_by_text("Practise an ML system-design interview").wait_for()


def test_caddy_signs_people_in_strips_spoofed_headers_and_keeps_each_browser_on_one_replica(
    browser: Any, deployment: Deployment
) -> None:
    url, port = deployment.url, deployment.where.https

    # Nobody signed in, with or without a sign-in header of their own: sent to the sign-in page.
    status, headers = fetch(port, "/history?x=1")
    assert status == 302
    # The page to go back to keeps the site's port (the site here is not on 443).
    assert headers["Location"] == f"/oauth2/sign_in?rd=https://localhost:{port}/history?x=1"
    status, headers = fetch(port, "/", {AUTH_HEADER: "victim@example.com", "X-Auth-Request-User": "victim"})
    assert status == 302 and headers["Location"].startswith("/oauth2/sign_in?")
    status, _ = fetch(port, "/_stcore/stream", {AUTH_HEADER: "victim@example.com"})
    assert status == 302
    forged = _context(browser, {AUTH_HEADER: "victim@example.com"}).new_page()
    forged.goto(f"{url}/")
    forged.wait_for_url("**/oauth2/sign_in?**")
    forged.get_by_role("button", name="Sign in").wait_for()
    assert forged.get_by_text("Practise an ML system-design interview").count() == 0
    forged.context.close()

    # Alice signs in and holds an interview through Caddy's websocket proxying.
    alice = _context(browser).new_page()
    alice.set_default_timeout(90_000)
    sign_in(alice, url, "alice@example.com", shot="deploy-sign-in")
    alice.get_by_text("Signed in as alice", exact=False).wait_for()
    _app.start_interview(alice, url)
    _app.send(alice, ANSWER)
    alice.get_by_text("Signed in as alice", exact=False).wait_for()
    session_id = parse_qs(urlparse(alice.url).query)["session"][0]
    _h.screenshot(alice, "deploy-alice-interview")

    cookies = {c["name"]: c for c in alice.context.cookies()}
    assert STICKY_COOKIE in cookies, sorted(cookies)
    sticky = cookies[STICKY_COOKIE]["value"]
    alice.reload()
    alice.get_by_text(ANSWER[:40], exact=False).first.wait_for()
    assert {c["name"]: c["value"] for c in alice.context.cookies()}[STICKY_COOKIE] == sticky
    saved = deployment.store.turns(session_id)
    assert [t.text for t in saved if t.role == "candidate"] == [ANSWER]

    # Two replicas stand behind Caddy: a browser without the sticky cookie is given one of them, and one that
    # has it is not moved.
    signed_in = {"Cookie": f"{SESSION_COOKIE}=carol%40example.com"}
    given = {replica_cookie(fetch(port, "/_stcore/health", signed_in)) for _ in range(20)}
    assert len(given) == 2 and None not in given, given
    pinned = {"Cookie": f"{signed_in['Cookie']}; {STICKY_COOKIE}={sticky}"}
    assert all(replica_cookie(fetch(port, "/_stcore/health", pinned)) is None for _ in range(5))

    # Caddy asked the identity proxy about the page and about the websocket, with the original URI.
    uris = {check.get("X-Forwarded-Uri", "") for check in deployment.auth_checks}
    assert "/" in uris and "/_stcore/stream" in uris, sorted(uris)

    # Bob, whose browser also claims to be Alice in the sign-in header, is Bob and sees none of hers.
    bob = _context(browser, {AUTH_HEADER: "alice@example.com"}).new_page()
    bob.set_default_timeout(90_000)
    # He follows a link to the History page: after signing in he is back on it, on the site's port.
    sign_in(bob, url, "bob@example.com", path="/history")
    assert deployment.redirects[-1] == f"{url}/history"
    bob.get_by_text("Signed in as bob", exact=False).wait_for()
    bob.get_by_text("No interviews yet.", exact=False).wait_for()
    _app.settled(bob)
    assert bob.get_by_role("button", name="Resume").count() == 0
    _h.screenshot(bob, "deploy-bob-history")

    bob.goto(f"{url}/?session={session_id}")
    bob.get_by_text("Interview not found").wait_for()
    _app.settled(bob)
    assert bob.get_by_text(ANSWER[:40], exact=False).count() == 0
    _h.screenshot(bob, "deploy-bob-not-found")
    for page in (alice, bob):
        page.context.close()
