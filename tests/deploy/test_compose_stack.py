"""The reference deployment started for real: `deploy/compose.yaml` up in Docker, driven through Caddy in Chromium.

Every image comes from this machine, none from a registry (`deploy/compose.ci.yaml` over the shipped file, built
on the bases `.ci/compose-stack.sh` makes from Debian): the app from the shipped `deploy/Dockerfile`, Postgres 15
and Caddy from Debian's packages, Chroma from the pinned chromadb on PyPI, and a stand-in for oauth2-proxy
(`deploy/ci/oauth2-proxy/stand_in.py`) that takes the Compose file's command line and answers Caddy's
`forward_auth` as oauth2-proxy does. The services, settings, volumes, health checks and the Caddyfile are the
shipped ones; the site is `localhost`, which Caddy serves over HTTPS with its own certificate authority, on the
ports 80 and 443 the Compose file publishes.

Compose v2 (`docker compose`) reads the shipped file as it is. Debian's Compose v1 (`docker-compose` 1.29) does
not know the top-level `name:`, so it is given the shipped file without that line (`-p` names the project in
both), and a test below checks that nothing else differs.

Needs Docker, the base images (`source .ci/compose-stack.sh && compose_stack_prepare`) and Chromium; skipped
without them, failed instead when INTERVIEWER_REQUIRE_DOCKER=1 (as in CI).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import importlib.util
import json
import os
import re
import secrets
import shutil
import ssl
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("INTERVIEWER_CHROMIUM", "/usr/bin/chromium"))
BASE_IMAGES = ("interviewer-base:bookworm", "interviewer-ci/python:3.11", "interviewer-ci/python-deps:3.11")
REGISTRY_SERVICES = {"postgres", "chroma", "oauth2-proxy", "caddy"}
AUTH_HEADER = "X-Auth-Request-Email"
STICKY_COOKIE = "interviewer_replica"
ANSWER = "We serve 500 million daily users and the home page must answer within 200 milliseconds at peak."


def _module(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stand_in = _module("oauth2_proxy_stand_in", DEPLOY / "ci" / "oauth2-proxy" / "stand_in.py")


# --- the files: what CI changes, and only that -------------------------------------------------------------


def shipped_compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def override() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.ci.yaml").read_text(encoding="utf-8")))


def compose_for_v1(shipped: str) -> str:
    """The shipped Compose file without its top-level `name:`, which Compose v1 refuses (`-p` names it)."""
    lines = shipped.splitlines(keepends=True)
    names = [i for i, line in enumerate(lines) if re.match(r"name:\s", line)]
    assert len(names) == 1, "the Compose file no longer has one top-level name:"
    del lines[names[0]]
    return "".join(lines)


def test_compose_v1_is_given_the_shipped_file_without_only_its_name() -> None:
    shipped = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    rendered = compose_for_v1(shipped)
    expected = shipped_compose()
    del expected["name"]
    assert yaml.safe_load(rendered) == expected
    assert len(shipped.splitlines()) - len(rendered.splitlines()) == 1


def test_the_ci_override_changes_only_images_and_builds_and_replaces_every_registry_image() -> None:
    services = shipped_compose()["services"]
    replaced = override()["services"]
    assert set(override()) == {"services"}
    assert set(replaced) == set(services)
    for name, service in replaced.items():
        assert set(service) <= {"image", "build"}, name
        assert service["image"].startswith("interviewer-ci/"), name
    assert {name for name, service in services.items() if "build" not in service} == REGISTRY_SERVICES
    for name in REGISTRY_SERVICES:
        assert "build" in replaced[name], name
    for name in ("app-1", "app-2"):
        assert set(replaced[name]["build"]) == {"args"}, "the app is built from the shipped Dockerfile"


def test_the_chroma_stand_in_is_the_version_the_compose_file_pins() -> None:
    image = shipped_compose()["services"]["chroma"]["image"]
    version = image.rsplit(":", 1)[1]
    assert override()["services"]["chroma"]["build"]["args"]["CHROMA_VERSION"] == version
    assert override()["services"]["chroma"]["image"].endswith(f":{version}")


def test_the_dockerfile_still_builds_from_the_official_python_image_by_default() -> None:
    lines = (DEPLOY / "Dockerfile").read_text(encoding="utf-8").splitlines()
    assert "ARG BASE=python:3.11-slim" in lines
    assert [line for line in lines if line.startswith("FROM")] == ["FROM ${BASE}"]


# --- the oauth2-proxy stand-in, on its own ---------------------------------------------------------------


def oauth2_proxy_command(env: dict[str, str]) -> list[str]:
    """oauth2-proxy's command line in the shipped Compose file, with `${VAR...}` filled from `env`."""

    def fill(match: re.Match[str]) -> str:
        name, _, default = match.group(1).partition(":")
        return env.get(name) or (default[1:] if default.startswith("-") else "")

    command = shipped_compose()["services"]["oauth2-proxy"]["command"]
    return [re.sub(r"\$\{([^}]+)\}", fill, str(arg)) for arg in command]


@contextlib.contextmanager
def local_stand_in(argv: list[str], secret: str) -> Iterator[int]:
    args = stand_in.parse_args(argv)
    server = ThreadingHTTPServer(("127.0.0.1", 0), stand_in.handler_class(args, stand_in.Sessions(secret)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def http_request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, http.client.HTTPMessage]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body.encode() or None, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.msg
    finally:
        conn.close()


def test_the_stand_in_takes_the_compose_files_oauth2_proxy_command_line() -> None:
    argv = oauth2_proxy_command(
        {"INTERVIEWER_DOMAIN": "interviews.example.com", "OAUTH2_PROXY_EMAIL_DOMAIN": "x.org"}
    )
    args = stand_in.parse_args(argv)
    assert args.http_address == "0.0.0.0:4180"
    assert args.email_domain == ["x.org"]
    assert args.cookie_secure == "true"
    with pytest.raises(SystemExit):
        stand_in.parse_args([*argv, "--set-xauthrequest=false"])


def test_the_stand_in_answers_forward_auth_as_oauth2_proxy_does() -> None:
    env = {"INTERVIEWER_DOMAIN": "d.test", "OAUTH2_PROXY_EMAIL_DOMAIN": "example.com"}
    argv = [a for a in oauth2_proxy_command(env) if "http-address" not in a]
    with local_stand_in(argv, "secret") as port:
        assert http_request(port, "GET", "/oauth2/auth")[0] == 401
        assert http_request(port, "GET", "/ping")[0] == 200
        sign_in = "/oauth2/sign_in?" + urlencode({"rd": "https://d.test/history?x=1"})
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert http_request(port, "POST", sign_in, form, "email=eve%40elsewhere.org")[0] == 403

        status, headers = http_request(port, "POST", sign_in, form, "email=alice%40example.com")
        assert (status, headers["Location"]) == (302, "/history?x=1")
        cookie = headers["Set-Cookie"].split(";", 1)[0]
        assert "Secure" in headers["Set-Cookie"] and "HttpOnly" in headers["Set-Cookie"]

        status, headers = http_request(port, "GET", "/oauth2/auth", {"Cookie": cookie})
        assert status == 202
        assert (headers[AUTH_HEADER], headers["X-Auth-Request-User"]) == ("alice@example.com", "alice")

        name, _, value = cookie.partition("=")
        forged = stand_in.Sessions("another secret").cookie_value("alice@example.com")
        assert http_request(port, "GET", "/oauth2/auth", {"Cookie": f"{name}={forged}"})[0] == 401
        assert http_request(port, "GET", "/oauth2/auth", {"Cookie": f"{name}={value}x"})[0] == 401


# --- Docker --------------------------------------------------------------------------------------------------


def _run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)


def compose_program() -> list[str] | None:
    """`docker compose` (v2) when the Docker CLI has it, else `docker-compose` (v1), else None."""
    if shutil.which("docker") and _run(["docker", "compose", "version"]).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def docker_missing() -> str | None:
    """Why the stack cannot run here, or None."""
    if shutil.which("docker") is None:
        return "the docker CLI is not installed (apt-get install docker.io docker-compose)"
    info = _run(["docker", "info", "--format", "{{.ServerVersion}}"], timeout=60)
    if info.returncode != 0:
        return f"the Docker daemon does not answer: {info.stderr.strip()[-300:]}"
    if compose_program() is None:
        return "neither `docker compose` nor `docker-compose` is installed"
    for image in BASE_IMAGES:
        if _run(["docker", "image", "inspect", image]).returncode != 0:
            return f"no image {image}: run `source .ci/compose-stack.sh && compose_stack_prepare` first"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is not installed (apt-get install chromium)"
    return None


def require_docker() -> None:
    reason = docker_missing()
    if reason is None:
        return
    if os.environ.get("INTERVIEWER_REQUIRE_DOCKER") == "1":
        pytest.fail(f"INTERVIEWER_REQUIRE_DOCKER=1 but {reason}")
    pytest.skip(reason)


def filled_environment() -> dict[str, str]:
    """deploy/env.example filled in for this machine: the site is localhost, secrets are fresh."""
    values = {}
    for line in (DEPLOY / "env.example").read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    values.update(
        INTERVIEWER_DOMAIN="localhost",
        POSTGRES_PASSWORD=secrets.token_hex(16),
        OAUTH2_PROXY_CLIENT_ID="interviewer-ci",
        OAUTH2_PROXY_CLIENT_SECRET=secrets.token_hex(16),
        OAUTH2_PROXY_COOKIE_SECRET=secrets.token_urlsafe(32),
        OAUTH2_PROXY_EMAIL_DOMAIN="example.com",
        INTERVIEWER_INSTRUCTORS="lead@example.com",
        OPENAI_API_KEY="",
        OPENAI_BASE_URL="",
    )
    empty = [name for name, value in values.items() if not value and not name.startswith("OPENAI_")]
    assert not empty, f"env.example has settings this test does not fill: {empty}"
    return values


@dataclass
class Stack:
    """A running project of the team deployment."""

    program: list[str]
    files: list[str]
    project: str
    env_file: Path

    def compose(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        argv = [*self.program, "-p", self.project, *self.files, "--env-file", str(self.env_file), *args]
        if self.program == ["docker-compose"]:
            argv[1:1] = ["--project-directory", str(DEPLOY)]
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "POSTGRES_", "OAUTH2_"))}
        return _run(
            argv, env={**env, "DOCKER_BUILDKIT": "0", "COMPOSE_DOCKER_CLI_BUILD": "0"}, timeout=timeout
        )

    def checked(self, *args: str, timeout: float = 600) -> str:
        done = self.compose(*args, timeout=timeout)
        assert done.returncode == 0, (
            f"compose {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
        return done.stdout

    def container(self, service: str) -> str:
        (container,) = self.checked("ps", "-q", service).split()
        return container

    def inspect(self, service: str) -> dict[str, Any]:
        done = _run(["docker", "inspect", self.container(service)])
        assert done.returncode == 0, done.stderr
        return dict(json.loads(done.stdout)[0])

    def wait_healthy(self, services: tuple[str, ...], timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while True:
            states = {name: self.inspect(name)["State"] for name in services}
            health = {name: state.get("Health", {}).get("Status") for name, state in states.items()}
            if all(status == "healthy" for status in health.values()):
                return
            for name, state in states.items():
                assert state["Status"] != "exited", f"{name} exited: see test-artifacts/compose-stack.log"
            assert time.monotonic() < deadline, f"not healthy within {timeout:.0f} s: {health}"
            time.sleep(2)

    def chroma_get(self, path: str) -> Any:
        """The JSON answer of the Chroma server to GET `path`, asked from inside its container."""
        script = f"import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:8000{path}').read().decode())"
        done = _run(["docker", "exec", self.container("chroma"), "python", "-c", script], timeout=60)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def psql(self, sql: str, **variables: str) -> list[list[str]]:
        """Rows of `sql` run by psql in the Postgres container, with `:'name'` variables."""
        argv = [
            "docker",
            "exec",
            "-i",
            self.container("postgres"),
            "psql",
            "-U",
            "interviewer",
            "-d",
            "interviewer",
        ]
        argv += ["-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f"]
        for name, value in variables.items():
            argv += ["-v", f"{name}={value}"]
        done = _run(argv, input=sql, timeout=60)
        assert done.returncode == 0, done.stderr
        return [line.split("\x1f") for line in done.stdout.splitlines()]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    require_docker()
    program = compose_program()
    assert program is not None
    work = tmp_path_factory.mktemp("compose")
    env_file = work / "stack.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in filled_environment().items()), encoding="utf-8")
    if program == ["docker-compose"]:
        shipped = work / "compose.yaml"
        shipped.write_text(
            compose_for_v1((DEPLOY / "compose.yaml").read_text(encoding="utf-8")), encoding="utf-8"
        )
    else:
        shipped = DEPLOY / "compose.yaml"
    files = ["-f", str(shipped), "-f", str(DEPLOY / "compose.ci.yaml")]
    running = Stack(program, files, f"interviewer-e2e-{uuid.uuid4().hex[:8]}", env_file)
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        started = time.monotonic()
        running.checked("up", "-d", "--build", timeout=1800)
        built = time.monotonic()
        running.wait_healthy(("postgres", "app-1", "app-2"))
        wait_for_caddy()
        print(
            f"compose stack: up --build {built - started:.0f} s, healthy and served {time.monotonic() - built:.0f} s"
        )
        yield running
    finally:
        logs = running.compose("logs", "--no-color", timeout=120)
        (ARTIFACTS / "compose-stack.log").write_text(logs.stdout + logs.stderr, encoding="utf-8")
        down = running.compose("down", "-v", "--remove-orphans", timeout=300)
        assert down.returncode == 0, down.stderr


# --- through Caddy -------------------------------------------------------------------------------------------


def _insecure() -> ssl.SSLContext:
    """Caddy's internal CA for localhost is trusted nowhere; these requests check behaviour, not the certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def fetch(path: str, headers: dict[str, str] | None = None) -> tuple[int, http.client.HTTPMessage]:
    """GET `path` from Caddy on https://localhost (port 443, as published) without following redirects."""
    conn = http.client.HTTPSConnection("localhost", 443, timeout=10, context=_insecure())
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status, response.msg
    finally:
        conn.close()


def wait_for_caddy(timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if fetch("/oauth2/sign_in")[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"Caddy did not serve https://localhost within {timeout:.0f} s"
        time.sleep(1)


def sticky_cookie_for(upstream: str) -> str:
    """The value of Caddy's `lb_policy cookie` that pins a browser to `upstream` (no secret is configured)."""
    return hmac.new(b"", upstream.encode(), hashlib.sha256).hexdigest()


def wait_until_caddy_sends_to(pinned: str, session: str, timeout: float = 120) -> None:
    """Wait until Caddy proxies a browser pinned by the sticky cookie `pinned` to that replica again.

    Caddy keeps the pin (and sets no new cookie) only while the replica is up in its health checks.
    """
    headers = {"Cookie": f"{stand_in.COOKIE}={session}; {STICKY_COOKIE}={pinned}"}
    deadline = time.monotonic() + timeout
    while True:
        status, answer = fetch("/_stcore/health", headers)
        moved = [c for c in answer.get_all("Set-Cookie") or [] if c.startswith(f"{STICKY_COOKIE}=")]
        if status == 200 and not moved:
            return
        assert time.monotonic() < deadline, (
            f"Caddy did not send the pinned browser back within {timeout:.0f} s"
        )
        time.sleep(1)


# `browser` is the run's one Chromium (tests/conftest.py), shared with the browser tier.


_app = _module("browser_app_steps_for_compose", ROOT / "tests" / "browser" / "test_app_browser.py")


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def new_page(browser: Any, headers: dict[str, str] | None = None) -> Any:
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, ignore_https_errors=True, extra_http_headers=headers or {}
    )
    page = context.new_page()
    page.set_default_timeout(120_000)
    return page


def sign_in(page: Any, email: str, *, shot: str | None = None) -> None:
    page.goto("https://localhost/")
    page.wait_for_url("**/oauth2/sign_in?**")
    if shot:
        screenshot(page, shot)
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.locator('[data-test-script-state="notRunning"]').wait_for()
    _app.settled(page)
    page.get_by_text(f"Signed in as {email.split('@')[0]}", exact=False).wait_for()


@pytest.mark.browser
@pytest.mark.server
@pytest.mark.slow
def test_the_team_deployment_runs_in_docker_and_keeps_a_signed_in_interview_across_a_replica_restart(
    stack: Stack, browser: Any
) -> None:
    # Only Caddy is reachable from the host; the replicas, which trust the sign-in header, are not.
    assert stack.inspect("caddy")["NetworkSettings"]["Ports"].get("443/tcp")
    for name in ("app-1", "app-2", "postgres", "chroma", "oauth2-proxy"):
        assert not any(stack.inspect(name)["NetworkSettings"]["Ports"].values()), name

    # A sign-in header sent by the client opens nothing: without the proxy's cookie, Caddy sends it to sign in.
    status, headers = fetch("/", {AUTH_HEADER: "alice@example.com", "X-Auth-Request-User": "alice"})
    assert status == 302 and headers["Location"].startswith("/oauth2/sign_in?rd="), headers
    assert fetch("/_stcore/stream", {AUTH_HEADER: "alice@example.com"})[0] == 302

    # Alice, kept on app-1 by Caddy's sticky cookie, signs in and answers once.
    alice = new_page(browser)
    pinned = sticky_cookie_for("app-1:8501")
    alice.context.add_cookies([{"name": STICKY_COOKIE, "value": pinned, "url": "https://localhost/"}])
    sign_in(alice, "alice@example.com", shot="compose-sign-in")
    _app.start_interview(alice, "https://localhost/")
    _app.send(alice, ANSWER)
    session_id = parse_qs(urlparse(alice.url).query)["session"][0]
    screenshot(alice, "compose-alice-interview")
    assert {c["name"]: c["value"] for c in alice.context.cookies()}[STICKY_COOKIE] == pinned

    # The turn is in the Postgres container, under her sign-in.
    rows = stack.psql(
        "SELECT s.owner, t.text FROM turns t JOIN sessions s ON s.id = t.session_id "
        "WHERE s.id = :'id' AND t.role = 'candidate' ORDER BY t.seq;",
        id=session_id,
    )
    assert rows == [["alice@example.com", ANSWER]]

    # The replicas keep the notes' vectors in the Chroma server.
    collections = stack.chroma_get("/api/v2/tenants/default_tenant/databases/default_database/collections")
    assert collections, "the app made no collection in the Chroma server"

    # The replica holding her tab restarts; back on it, she still has her interview.
    before = stack.inspect("app-1")["State"]["StartedAt"]
    stack.checked("restart", "app-1")
    assert stack.inspect("app-1")["State"]["StartedAt"] != before
    stack.wait_healthy(("app-1",))
    session = {c["name"]: c["value"] for c in alice.context.cookies()}[stand_in.COOKIE]
    wait_until_caddy_sends_to(pinned, session)
    alice.context.add_cookies([{"name": STICKY_COOKIE, "value": pinned, "url": "https://localhost/"}])
    alice.goto(f"https://localhost/?session={session_id}")
    alice.get_by_text(ANSWER[:40], exact=False).first.wait_for()
    alice.get_by_text("Signed in as alice", exact=False).wait_for()
    _app.settled(alice)
    screenshot(alice, "compose-alice-after-restart")
    assert {c["name"]: c["value"] for c in alice.context.cookies()}[STICKY_COOKIE] == pinned

    # Bob's browser claims to be Alice in the sign-in header: Caddy drops it, so he is Bob and sees none of hers.
    bob = new_page(browser, {AUTH_HEADER: "alice@example.com", "X-Auth-Request-User": "alice"})
    sign_in(bob, "bob@example.com")
    bob.goto("https://localhost/history")
    bob.get_by_text("No interviews yet.", exact=False).wait_for()
    bob.goto(f"https://localhost/?session={session_id}")
    bob.get_by_text("Interview not found").wait_for()
    _app.settled(bob)
    assert bob.get_by_text(ANSWER[:40], exact=False).count() == 0
    screenshot(bob, "compose-bob-not-found")
    for page in (alice, bob):
        page.context.close()
