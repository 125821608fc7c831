"""Sign-in with OpenID Connect, for real: the app under `streamlit run` with INTERVIEWER_AUTH=oidc and a
generated `[auth]` secrets file pointing at a real OpenID provider on loopback (`oidc-provider-mock`, a
pure-Python provider built for tests), driven by Chromium: sign in through the provider's pages, see the
signed-in user, own the interviews started, sign out.

Needs Chromium (skipped without it, failed when INTERVIEWER_REQUIRE_BROWSER=1) and the `oidc-provider-mock`
package (in the `dev` extra; failed rather than skipped when INTERVIEWER_REQUIRE_BROWSER=1).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from interviewer.store.sessions import SessionStore
from interviewer.web.markup import WORD_JOINER

pytestmark = [pytest.mark.browser, pytest.mark.server]


def _module(name: str, file: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(file))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_h = _module("browser_harness", "conftest.py")
_app = _module("browser_app_steps", "test_app_browser.py")

SUBJECT = "frank-7f3a"
EMAIL = "frank@example.com"
IMPOSTOR = "mallory-9c1e"  # claims Frank's address, which the provider has not verified
ANSWER = "We serve 500 million daily users and the home page must answer within 200 milliseconds at peak."


def provider_module() -> Any:
    try:
        import oidc_provider_mock
    except ImportError:
        message = "oidc-provider-mock is not installed (pip install -e '.[dev]')"
        if os.environ.get("INTERVIEWER_REQUIRE_BROWSER") == "1":
            pytest.fail(f"INTERVIEWER_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    return oidc_provider_mock


def secrets_toml(app_port: int, provider_port: int) -> str:
    """The `[auth]` section Streamlit's st.login reads, for a provider on loopback."""
    return (
        "[auth]\n"
        f'redirect_uri = "http://localhost:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "interviewer-test"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "http://localhost:{provider_port}/.well-known/openid-configuration"\n'
    )


@dataclass(frozen=True)
class OidcApp:
    url: str
    provider: str
    home: Path


@pytest.fixture
def oidc_app(tmp_path: Path) -> Iterator[OidcApp]:
    mock = provider_module()
    frank = mock.User(sub=SUBJECT, claims={"email": EMAIL, "email_verified": True, "name": "Frank"})
    mallory = mock.User(sub=IMPOSTOR, claims={"email": EMAIL, "email_verified": False})
    with mock.run_server_in_thread(user_claims=[frank, mallory]) as server:
        provider_port = server.server_port
        app_port = _h._free_port()
        config = tmp_path / "streamlit" / "secrets.toml"
        config.parent.mkdir()
        config.write_text(secrets_toml(app_port, provider_port), encoding="utf-8")
        home = tmp_path / "home"
        with _h._serving(
            home,
            "streamlit-oidc.log",
            {"INTERVIEWER_AUTH": "oidc"},
            port=app_port,
            args=("--secrets.files", str(config)),
        ):
            # The browser uses the host name the redirect names, so the sign-in cookie is the app's.
            yield OidcApp(f"http://localhost:{app_port}", f"http://localhost:{provider_port}", home)


@contextlib.contextmanager
def loopback_only(browser: Any) -> Iterator[Any]:
    """A page whose requests may reach this machine only (the provider's pages link a stylesheet on a CDN)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    left: list[str] = []

    def route(route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if host in ("localhost", "127.0.0.1"):
            route.continue_()
        else:
            left.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.set_default_timeout(90_000)
    try:
        yield page
    finally:
        context.close()
    assert all(urlparse(u).hostname == "cdn.jsdelivr.net" for u in left), left  # only the provider's CSS


def sign_out(page: Any, provider: str) -> None:
    """Press Sign out and wait for the provider's end-of-session page.

    The timeline redraws itself every two seconds; if the browser is still on the app after 20 s with the
    button there, the press was not taken and it is pressed again, as a user would. A second press that
    also goes nowhere fails the test.
    """
    button = page.get_by_role("button", name="Sign out")
    button.click()
    try:
        page.wait_for_url(f"{provider}/oauth2/end_session?**", timeout=20_000)
        return
    except PlaywrightTimeout:
        assert urlparse(page.url).netloc != urlparse(provider).netloc, f"stuck at the provider: {page.url}"
        button.click()
    page.wait_for_url(f"{provider}/oauth2/end_session?**", timeout=60_000)


def test_a_user_signs_in_with_openid_connect_owns_their_interview_and_signs_out(
    browser: Any, oidc_app: OidcApp
) -> None:
    with loopback_only(browser) as page:
        page.goto(f"{oidc_app.url}/")
        page.get_by_text("Sign in to practise").wait_for()
        _app.settled(page)
        _h.screenshot(page, "oidc-sign-in")

        # The app sends the browser to the provider, which asks who is signing in.
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{oidc_app.provider}/oauth2/authorize?**")
        query = parse_qs(urlparse(page.url).query)
        assert query["client_id"] == ["interviewer-test"]
        assert query["redirect_uri"] == [f"{oidc_app.url}/oauth2callback"]
        _h.screenshot(page, "oidc-provider")
        page.get_by_role("button", name=SUBJECT).click()

        # Back in the app, signed in as the provider's e-mail claim.
        try:
            shown = page.get_by_text("Signed in as", exact=False)
            shown.wait_for(timeout=30_000)
        except Exception:
            _h.screenshot(page, "oidc-not-signed-in")
            raise AssertionError(f"not signed in after the provider; the browser is at {page.url}") from None
        # A bare address is kept from becoming a link by an invisible word joiner.
        assert shown.inner_text().replace(WORD_JOINER, "") == f"Signed in as {EMAIL}"
        page.get_by_text("Practise an ML system-design interview").wait_for()
        _app.start_interview(page, oidc_app.url)
        _app.send(page, ANSWER)
        session_id = parse_qs(urlparse(page.url).query)["session"][0]
        _h.screenshot(page, "oidc-signed-in")

        store = SessionStore(oidc_app.home / "sessions.db")
        try:
            record = store.get_session(session_id)
            assert record.owner == EMAIL
            assert [s.id for s in store.list_sessions(owner=EMAIL)] == [session_id]
            assert [t.text for t in store.turns(session_id, owner=EMAIL) if t.role == "candidate"] == [ANSWER]
            user = store.get_user(EMAIL)
            assert user is not None and user.role == "candidate"
        finally:
            store.close()

        # Signing out ends the app's session and the provider's (RP-initiated logout), then comes back to the
        # app: the sign-in page again, and the interview is not shown.
        sign_out(page, oidc_app.provider)
        logout = parse_qs(urlparse(page.url).query)
        assert logout["post_logout_redirect_uri"][0].startswith(oidc_app.url)
        assert logout["id_token_hint"], "the provider is told whose session ends"
        page.get_by_role("button", name="End session").click()
        page.get_by_text("Sign in to practise").wait_for()
        assert urlparse(page.url).netloc == urlparse(oidc_app.url).netloc
        page.goto(f"{oidc_app.url}/?session={session_id}")
        page.get_by_text("Sign in to practise").wait_for()
        _app.settled(page)
        expect(page.get_by_text(ANSWER[:40], exact=False)).to_have_count(0)
        assert page.get_by_text("Signed in as").count() == 0
        _h.screenshot(page, "oidc-signed-out")

        # Someone whose unverified e-mail claims Frank's address is named by their subject, and sees nothing of his.
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{oidc_app.provider}/oauth2/authorize?**")
        page.get_by_role("button", name=IMPOSTOR).click()
        shown = page.get_by_text("Signed in as", exact=False)
        shown.wait_for()
        assert shown.inner_text().replace(WORD_JOINER, "") == f"Signed in as {IMPOSTOR}"
        page.goto(f"{oidc_app.url}/?session={session_id}")
        page.get_by_text("Interview not found").wait_for()
        _app.settled(page)
        expect(page.get_by_text(ANSWER[:40], exact=False)).to_have_count(0)
        _h.screenshot(page, "oidc-unverified-email")
