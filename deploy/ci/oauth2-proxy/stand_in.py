"""A stand-in for oauth2-proxy in the reference deployment, for CI only (deploy/compose.ci.yaml).

It takes the command line deploy/compose.yaml gives oauth2-proxy and answers Caddy's `forward_auth` as
oauth2-proxy does with `--reverse-proxy --set-xauthrequest`:

- `GET /oauth2/auth`: 202 with `X-Auth-Request-Email` and `X-Auth-Request-User` for a request carrying a valid
  session cookie, else 401 (Caddy then sends the browser to the sign-in page);
- `GET /oauth2/sign_in?rd=...`: a form asking for an e-mail address, in place of the identity provider;
- `POST /oauth2/sign_in?rd=...`: signs the address in (if `--email-domain` allows it) with a session cookie
  signed with OAUTH2_PROXY_COOKIE_SECRET, and sends the browser back to `rd` on the same site;
- `GET /oauth2/sign_out`: drops the cookie; `GET /ping`: 200.

Standard library only; it never reaches an identity provider, so the provider options are accepted and unused.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import logging
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlparse

COOKIE = "_oauth2_proxy"
SIGN_IN_PAGE = """<!doctype html><html><head><title>Sign in</title></head><body>
<h1>Stand-in identity provider</h1><p>Requested: <code>{rd}</code></p>
<form method="post" action="/oauth2/sign_in?rd={rd_query}">
<label>E-mail <input name="email" type="email"></label> <button type="submit">Sign in</button>
</form></body></html>"""

log = logging.getLogger("oauth2-proxy-stand-in")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """oauth2-proxy's options as deploy/compose.yaml passes them; any other option is an error."""
    parser = argparse.ArgumentParser(prog="oauth2-proxy (stand-in)")
    parser.add_argument("--http-address", default="127.0.0.1:4180")
    parser.add_argument("--reverse-proxy", default="false")
    parser.add_argument("--set-xauthrequest", default="false")
    parser.add_argument("--upstream", action="append", default=[])
    parser.add_argument("--provider", default="google")
    parser.add_argument("--oidc-issuer-url", default="")
    parser.add_argument("--redirect-url", default="")
    parser.add_argument("--email-domain", action="append", default=[])
    parser.add_argument("--cookie-secure", default="true")
    parser.add_argument("--skip-provider-button", default="false")
    # Where oauth2-proxy may send the browser back to; the stand-in only ever returns to a path on this site.
    parser.add_argument("--whitelist-domain", action="append", default=[])
    args = parser.parse_args(argv)
    if args.set_xauthrequest != "true":
        parser.error("the stand-in answers only as with --set-xauthrequest=true")
    return args


class Sessions:
    """Session cookies: the e-mail address with an HMAC of it under the cookie secret."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise SystemExit("set OAUTH2_PROXY_COOKIE_SECRET")
        self._key = secret.encode()

    def _mac(self, email: str) -> str:
        return hmac.new(self._key, email.encode(), hashlib.sha256).hexdigest()

    def cookie_value(self, email: str) -> str:
        return base64.urlsafe_b64encode(email.encode()).decode() + "." + self._mac(email)

    def email(self, value: str) -> str | None:
        encoded, _, mac = value.partition(".")
        try:
            email = base64.urlsafe_b64decode(encoded.encode()).decode()
        except ValueError:
            return None
        return email if hmac.compare_digest(mac, self._mac(email)) else None


def email_allowed(email: str, domains: list[str]) -> bool:
    if "@" not in email:
        return False
    domain = email.rsplit("@", 1)[1].lower()
    return any(d == "*" or domain == d.lower() for d in domains or ["*"])


def handler_class(args: argparse.Namespace, sessions: Sessions) -> type[BaseHTTPRequestHandler]:
    secure = "; Secure" if args.cookie_secure == "true" else ""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *fmt_args: object) -> None:
            log.info("%s %s", self.address_string(), format % fmt_args)

        def _user(self) -> str | None:
            for part in self.headers.get("Cookie", "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == COOKIE and value:
                    return sessions.email(value)
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
            if url.path == "/ping":
                self._send(200, {"Content-Type": "text/plain"}, b"OK")
            elif url.path == "/oauth2/auth":
                user = self._user()
                if user is None:
                    self._send(401, {})
                else:
                    self._send(202, {"X-Auth-Request-Email": user, "X-Auth-Request-User": user.split("@")[0]})
            elif url.path in ("/oauth2/sign_in", "/oauth2/start"):
                rd = parse_qs(url.query).get("rd", ["/"])[0]
                page = SIGN_IN_PAGE.format(rd=html.escape(rd), rd_query=quote(rd, safe=""))
                self._send(200, {"Content-Type": "text/html; charset=utf-8"}, page.encode())
            elif url.path == "/oauth2/sign_out":
                self._send(302, {"Location": "/", "Set-Cookie": f"{COOKIE}=; Path=/; Max-Age=0{secure}"})
            else:
                self._send(404, {})

        def do_POST(self) -> None:
            url = urlparse(self.path)
            length = int(self.headers.get("Content-Length", "0"))
            email = parse_qs(self.rfile.read(length).decode()).get("email", [""])[0].strip()
            if url.path != "/oauth2/sign_in":
                self._send(404, {})
                return
            if not email_allowed(email, args.email_domain):
                self._send(403, {"Content-Type": "text/plain"}, b"this e-mail address may not sign in")
                return
            # Back to the page asked for, on this site only: its path and query.
            target = urlparse(parse_qs(url.query).get("rd", ["/"])[0])
            back = (target.path or "/") + (f"?{target.query}" if target.query else "")
            cookie = f"{COOKIE}={sessions.cookie_value(email)}; Path=/; HttpOnly; SameSite=Lax{secure}"
            self._send(302, {"Location": back, "Set-Cookie": cookie})

    return Handler


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args = parse_args(argv)
    sessions = Sessions(os.environ.get("OAUTH2_PROXY_COOKIE_SECRET", ""))
    host, _, port = args.http_address.rpartition(":")
    server = ThreadingHTTPServer((host or "0.0.0.0", int(port)), handler_class(args, sessions))
    log.info("listening on %s", args.http_address)
    server.serve_forever()


if __name__ == "__main__":
    main()
