"""Who is signed in, in each mode, and where the app may be served."""

from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.config import Settings
from interviewer.errors import ConfigError
from interviewer.web.auth import (
    LOCAL_USER,
    clean_user,
    is_loopback,
    oidc_user,
    serving_problem,
    viewer_for,
)


@pytest.fixture
def header(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path, auth="header", instructors=("Carol@Example.com",))


def test_without_sign_in_everyone_is_the_one_local_user_who_reads_everything(tmp_path: Path) -> None:
    viewer = viewer_for(Settings(home=tmp_path), headers={"X-Forwarded-User": "mallory"})

    assert viewer is not None
    assert viewer.user == LOCAL_USER and not viewer.signed_in
    assert viewer.read_owner is None  # sessions from before owners existed stay visible


def test_header_mode_takes_the_user_from_the_proxys_header_whatever_its_case(header: Settings) -> None:
    viewer = viewer_for(header, headers={"x-forwarded-user": "  alice@example.com "})

    assert viewer is not None
    assert viewer.user == "alice@example.com" and viewer.role == "candidate"
    assert viewer.read_owner == "alice@example.com" and viewer.owner == "alice@example.com"


def test_header_mode_without_the_header_signs_nobody_in(header: Settings) -> None:
    assert viewer_for(header, headers={}) is None
    assert viewer_for(header, headers={"X-Forwarded-User": "   "}) is None
    assert viewer_for(header, headers={"X-Other": "alice"}) is None


def test_the_header_can_be_renamed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "INTERVIEWER_HOME": str(tmp_path),
            "INTERVIEWER_AUTH": "header",
            "INTERVIEWER_AUTH_HEADER": "X-Auth-Email",
        }
    )

    assert viewer_for(settings, headers={"X-Forwarded-User": "alice"}) is None
    found = viewer_for(settings, headers={"X-Auth-Email": "alice"})
    assert found is not None and found.user == "alice"


def test_instructors_are_named_in_the_settings_and_read_everyones_interviews(header: Settings) -> None:
    viewer = viewer_for(header, headers={"X-Forwarded-User": "carol@example.com"})

    assert viewer is not None and viewer.instructor
    assert viewer.read_owner is None
    assert viewer.owner == "carol@example.com", "an instructor's own interviews are still their own"


def test_oidc_mode_uses_the_identity_providers_email_then_subject(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, auth="oidc")

    assert viewer_for(settings, user_info={"is_logged_in": False}) is None
    assert viewer_for(settings, user_info={}) is None
    by_mail = viewer_for(settings, user_info={"is_logged_in": True, "email": "dana@example.com", "sub": "42"})
    by_sub = viewer_for(settings, user_info={"is_logged_in": True, "sub": "google-oauth2|42"})
    assert by_mail is not None and by_mail.user == "dana@example.com"
    assert by_sub is not None and by_sub.user == "google-oauth2|42"
    assert oidc_user({"is_logged_in": True}) is None


def test_an_email_the_provider_has_not_verified_does_not_name_the_user() -> None:
    unverified = {"is_logged_in": True, "email": "carol@example.com", "email_verified": False, "sub": "u-77"}
    as_text = {**unverified, "email_verified": "false"}
    verified = {**unverified, "email_verified": True}

    assert oidc_user(unverified) == "u-77"
    assert oidc_user(as_text) == "u-77"
    assert oidc_user(verified) == "carol@example.com"
    assert oidc_user({**unverified, "sub": None}) is None


def test_a_user_name_loses_control_characters_and_must_be_of_sane_length() -> None:
    assert clean_user("ali\x00ce\n") == "alice"
    assert clean_user("x" * 201) is None
    assert clean_user(None) is None


def test_an_unknown_mode_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="auth"):
        Settings.from_env({"INTERVIEWER_AUTH": "basic"})


@pytest.mark.parametrize("address", ["localhost", "127.0.0.1", "::1", "127.0.1.1", " LOCALHOST "])
def test_loopback_addresses_reach_only_this_machine(address: str) -> None:
    assert is_loopback(address)


@pytest.mark.parametrize("address", ["0.0.0.0", "", None, "192.168.1.10", "::", "example.com"])
def test_any_other_address_or_none_at_all_reaches_others(address: str | None) -> None:
    assert not is_loopback(address)


def test_serving_beyond_this_machine_without_sign_in_is_refused_with_how_to_set_it_up(tmp_path: Path) -> None:
    problem = serving_problem(Settings(home=tmp_path), "0.0.0.0")

    assert problem is not None
    assert "INTERVIEWER_AUTH=header" in problem and "INTERVIEWER_AUTH=oidc" in problem
    assert "localhost" in problem and "secrets.toml" in problem
    assert serving_problem(Settings(home=tmp_path), "localhost") is None
    assert serving_problem(Settings(home=tmp_path, auth="header"), "0.0.0.0") is None


APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.mark.parametrize(
    ("mode", "words"),
    [("oidc", "Sign in with your organisation's account"), ("header", "Nobody is signed in")],
)
def test_the_app_shows_only_a_sign_in_page_to_someone_not_signed_in(
    mode: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("INTERVIEWER_AUTH", mode)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "test-only",
        "client_id": "interviewer",
        "client_secret": "test-only",
        "server_metadata_url": "https://id.example.invalid/.well-known/openid-configuration",
    }
    at.run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Sign in to practise"]
    assert any(words in m.value for m in at.markdown)
    assert [b.label for b in at.button] == (["Sign in"] if mode == "oidc" else [])
    assert not at.chat_input and not at.selectbox  # no interview, no history, nothing else


def test_oidc_without_its_secrets_says_what_to_configure(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("INTERVIEWER_AUTH", "oidc")
    at = AppTest.from_file(APP, default_timeout=60).run()

    assert not at.exception
    assert any("has no [auth] section" in e.value for e in at.error)
    assert not at.button
