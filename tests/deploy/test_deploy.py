"""The reference deployment (deploy/): the Compose file and the Caddyfile parse, agree with each other, keep
the sign-in header trustworthy, and name the services and settings the README's "Serving a team" describes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = {"app-1", "app-2", "postgres", "chroma", "oauth2-proxy", "caddy"}
APPS = ("app-1", "app-2")


def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8")))


def caddyfile_directives() -> list[tuple[int, list[str]]]:
    """Each line of the Caddyfile as (nesting depth, tokens), with the braces checked to balance."""
    depth, lines = 0, []
    for raw in (DEPLOY / "Caddyfile").read_text(encoding="utf-8").splitlines():
        text = raw.split("#", 1)[0].strip()
        if not text:
            continue
        tokens = text.split()
        if tokens[0] == "}":
            depth -= 1
            assert depth >= 0, f"unbalanced '}}' at {raw!r}"
            tokens = tokens[1:]
            if not tokens:
                continue
        if [t for t in tokens if t != "{"]:
            lines.append((depth, [t for t in tokens if t != "{"]))
        depth += text.count("{") - text.count("}")
    assert depth == 0, "the Caddyfile's braces do not balance"
    return lines


def directive(name: str) -> list[list[str]]:
    return [tokens for _, tokens in caddyfile_directives() if tokens and tokens[0] == name]


def readme_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Serving a team\n(.*?)(?=^## )", text, flags=re.M | re.S)
    assert match, "the README has no 'Serving a team' section"
    return match.group(1)


def test_the_compose_file_parses_and_runs_the_six_services_of_a_team_deployment() -> None:
    services = compose()["services"]
    assert set(services) == SERVICES


def test_only_caddy_is_reachable_from_outside() -> None:
    services = compose()["services"]
    published = {name for name, svc in services.items() if svc.get("ports")}
    assert published == {"caddy"}
    assert {"80:80", "443:443"} <= set(services["caddy"]["ports"])
    assert compose()["networks"]["internal"]["internal"] is True
    for name in SERVICES - {"caddy"}:
        assert services[name]["networks"] == ["internal"], name


def test_both_replicas_share_postgres_and_the_chroma_server_and_sign_in_by_header() -> None:
    services = compose()["services"]
    envs = [services[name]["environment"] for name in APPS]
    assert envs[0] == envs[1]
    env = envs[0]
    assert env["INTERVIEWER_DATABASE_URL"].startswith("postgresql://interviewer:")
    assert env["INTERVIEWER_DATABASE_URL"].endswith("@postgres:5432/interviewer")
    assert (env["CHROMA_HOST"], env["CHROMA_PORT"]) == ("chroma", "8000")
    assert env["INTERVIEWER_AUTH"] == "header"
    assert "INTERVIEWER_INSTRUCTORS" in env
    assert services["app-1"]["volumes"] != services["app-2"]["volumes"], (
        "each replica has its own data folder"
    )


def test_caddy_balances_the_two_replicas_with_a_sticky_cookie_and_checks_their_health() -> None:
    (proxy,) = [d for d in directive("reverse_proxy") if any(t.startswith("app-") for t in d)]
    assert proxy[1:] == ["app-1:8501", "app-2:8501"]
    assert directive("lb_policy") == [["lb_policy", "cookie", "interviewer_replica"]]
    assert directive("health_uri") == [["health_uri", "/_stcore/health"]]


def test_the_sign_in_header_is_stripped_from_the_client_and_set_only_by_oauth2_proxy() -> None:
    header = compose()["services"]["app-1"]["environment"]["INTERVIEWER_AUTH_HEADER"]
    lines = [tokens for _, tokens in caddyfile_directives()]
    strip = lines.index(["request_header", f"-{header}"])
    auth = lines.index(["forward_auth", "oauth2-proxy:4180"])
    balance = next(i for i, t in enumerate(lines) if t[0] == "reverse_proxy" and "app-1:8501" in t)
    assert strip < auth < balance
    assert header in directive("copy_headers")[0]
    command = compose()["services"]["oauth2-proxy"]["command"]
    assert "--set-xauthrequest=true" in command and "--http-address=0.0.0.0:4180" in command


def test_caddy_itself_accepts_the_caddyfile() -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        if os.environ.get("INTERVIEWER_REQUIRE_CADDY") == "1":
            pytest.fail("INTERVIEWER_REQUIRE_CADDY=1 but caddy is not installed (apt-get install caddy)")
        pytest.skip("caddy is not installed (apt-get install caddy)")
    env = {**os.environ, "INTERVIEWER_DOMAIN": "interviews.example.com", "ACME_EMAIL": "ops@example.com"}
    done = subprocess.run(
        [caddy, "adapt", "--config", str(DEPLOY / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    adapted = done.stdout.replace(" ", "")
    assert '"policy":"cookie"' in adapted
    # In the order Caddy runs them: the client's header is dropped before oauth2-proxy's answer sets it, not after.
    assert adapted.index('"delete":["X-Auth-Request-Email"]') < adapted.index('"uri":"/oauth2/auth"')


def test_compose_requires_every_variable_the_caddyfile_reads() -> None:
    """Caddy refuses a Caddyfile whose `{$VAR}` is empty where a value is needed (`email`, the site address)."""
    read = set(re.findall(r"\{\$(\w+)\}", (DEPLOY / "Caddyfile").read_text(encoding="utf-8")))
    environment = compose()["services"]["caddy"]["environment"]
    assert read and read <= set(environment), read - set(environment)
    for name in read:
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", environment[name]), environment[name]


def test_the_readme_describes_the_same_services_and_settings() -> None:
    section = readme_section()
    for name in SERVICES:
        assert f"`{name}`" in section, name
    env = compose()["services"]["app-1"]["environment"]
    for variable in (
        "INTERVIEWER_DATABASE_URL",
        "CHROMA_HOST",
        "INTERVIEWER_AUTH",
        "INTERVIEWER_AUTH_HEADER",
    ):
        assert variable in env and f"`{variable}`" in section, variable
    assert "`INTERVIEWER_INSTRUCTORS`" in section
    assert f"`{env['INTERVIEWER_AUTH_HEADER']}`" in section
    assert "HTTPS" in section and "microphone" in section


def test_the_example_environment_names_every_variable_the_compose_file_requires() -> None:
    text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = {
        line.split("=", 1)[0] for line in (DEPLOY / "env.example").read_text().splitlines() if "=" in line
    }
    assert required and required <= example, required - example
