"""Who is using the app, and whether it may be served where it is.

Three modes (`INTERVIEWER_AUTH`):
- `none` (the default): one person on their own machine. Everything saved belongs to them; the app refuses
  to be served beyond this machine in this mode.
- `header`: an authenticating proxy in front of the app signs users in and passes the user's name in a
  trusted header (`INTERVIEWER_AUTH_HEADER`, default `X-Forwarded-User`). The proxy must strip that header
  from what clients send and be the only way to reach the app.
- `oidc`: Streamlit's own OpenID Connect sign-in (`st.login`), configured in `.streamlit/secrets.toml`.

Users named in `INTERVIEWER_INSTRUCTORS` may read every candidate's scorecards and transcripts, never change
them. Everyone else sees only their own. These functions are plain Python; `app.py` hands them what
Streamlit knows (the headers, `st.user`, `server.address`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from interviewer.config import Settings

Role = Literal["candidate", "instructor"]
LOCAL_USER = "local"
"""The one user of an app without sign-in."""

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
MAX_USER_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Viewer:
    """The person using this tab: `user` as the sign-in names them, and what they may see."""

    user: str
    role: Role = "candidate"
    signed_in: bool = True

    @property
    def instructor(self) -> bool:
        return self.role == "instructor"

    @property
    def owner(self) -> str:
        """Whose data this viewer creates and changes: always their own."""
        return self.user

    @property
    def read_owner(self) -> str | None:
        """Whose sessions this viewer may read: their own, or everyone's (None) for an instructor or
        the one user of an app without sign-in."""
        if self.instructor or not self.signed_in:
            return None
        return self.user


def local_viewer() -> Viewer:
    return Viewer(LOCAL_USER, "candidate", signed_in=False)


def clean_user(raw: object) -> str | None:
    """A user name as a header or the identity provider gives it: trimmed, no control characters, bounded;
    None when there is none."""
    if not isinstance(raw, str):
        return None
    user = _CONTROL.sub("", raw).strip()
    if not user or len(user) > MAX_USER_CHARS:
        return None
    return user


def role_of(settings: Settings, user: str) -> Role:
    instructors = {i.casefold() for i in settings.instructors}
    return "instructor" if user.casefold() in instructors else "candidate"


def header_user(settings: Settings, headers: Mapping[str, str]) -> str | None:
    """The user the proxy names in `settings.auth_header` (header names are case-insensitive)."""
    wanted = settings.auth_header.casefold()
    for name, value in headers.items():
        if name.casefold() == wanted:
            return clean_user(value)
    return None


def oidc_user(user_info: Mapping[str, Any]) -> str | None:
    """The signed-in user from `st.user`: their e-mail, else the provider's subject id.

    An e-mail the provider says it has not verified (`email_verified` false) is not used: at a provider that
    lets people type any address, it would let one user take another's interviews. The subject id, which the
    provider assigns, names them instead."""
    if not user_info.get("is_logged_in"):
        return None
    verified = user_info.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
        return clean_user(user_info.get("sub"))
    return clean_user(user_info.get("email")) or clean_user(user_info.get("sub"))


def viewer_for(
    settings: Settings,
    *,
    headers: Mapping[str, str] | None = None,
    user_info: Mapping[str, Any] | None = None,
) -> Viewer | None:
    """Who is using the app, or None when a sign-in is needed and nobody is signed in."""
    if settings.auth == "none":
        return local_viewer()
    found = header_user(settings, headers or {}) if settings.auth == "header" else oidc_user(user_info or {})
    if found is None:
        return None
    return Viewer(found, role_of(settings, found))


def is_loopback(address: str | None) -> bool:
    """Whether `address` (Streamlit's `server.address`) reaches only this machine. Unset means every
    interface, so it is not."""
    if not address:
        return False
    return address.strip().lower() in LOOPBACK or address.strip().startswith("127.")


def serving_problem(settings: Settings, address: str | None) -> str | None:
    """Why the app must not start on `address` with these settings, or None when it may."""
    if settings.signed_in or is_loopback(address):
        return None
    where = address or "every network interface"
    return (
        f"The app is set to listen on {where}, where anyone who can reach it could read, change and delete "
        "every interview, but nobody signs in. Either keep it on this machine (server.address = "
        '"localhost", the default in .streamlit/config.toml), or put it behind a proxy that signs users in '
        "and set INTERVIEWER_AUTH=header (the proxy passes the user in X-Forwarded-User, or the header "
        "named by INTERVIEWER_AUTH_HEADER), or set INTERVIEWER_AUTH=oidc and configure [auth] in "
        '.streamlit/secrets.toml. See the README, "Sign-in and limits".'
    )
