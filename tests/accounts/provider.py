"""A real OpenID Connect provider for the tests, served over HTTP on 127.0.0.1 in a thread:
discovery, JWKS, authorize (a login page with one button), token (code single-use, PKCE S256
checked), userinfo (JSON, or a signed JWT as ProConnect sends it) and end-session. RSA keys are
generated at start. Knobs make it misbehave the ways a forged or stale answer would."""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlencode, urlparse

import requests
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "portail-cpts"
CLIENT_SECRET = "secret-de-test-" + "x" * 20


def new_key(kid=None) -> RSAKey:
    kid = kid or secrets.token_hex(8)
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


class Provider:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.provider = self
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.reset()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def reset(self):
        self.key = new_key()
        self.identity = {"sub": "sujet-1"}  # the person who logs in next
        self.userinfo_as_jwt = False
        self.tamper = None  # "signature", "nonce" or "expired": the next ID tokens are wrong
        self.codes = {}  # code -> the authorization request, and whether it was used
        self.access_tokens = {}
        self.refusals = []  # why the token endpoint said no
        self.logouts = []  # end-session requests

    def rotate_keys(self):
        self.key = new_key()

    def settings(self, label, scope) -> dict:
        """The portal's settings entry for this provider (CPTS_OIDC_PROVIDERS)."""
        return {
            "label": label,
            "server_metadata_url": self.url + "/.well-known/openid-configuration",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": scope,
            "acr_values": "eidas1",
            "redirect_uri": "",
            "post_logout_redirect_uri": "",
        }

    def consent(self, authorize_url: str) -> str:
        """Press the login page's button, as the person would: the URL back to the portal."""
        page = requests.get(authorize_url, timeout=10)
        assert page.status_code == 200, page.text
        params = dict(parse_qsl(urlparse(authorize_url).query))
        answer = requests.post(
            self.url + "/authorize", data=params, allow_redirects=False, timeout=10
        )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    # What the endpoints answer ------------------------------------------------------------

    def metadata(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token",
            "userinfo_endpoint": self.url + "/userinfo",
            "jwks_uri": self.url + "/jwks",
            "end_session_endpoint": self.url + "/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "userinfo_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }

    def jwks(self):
        return {"keys": [self.key.as_dict(private=False)]}

    def authorization_error(self, params) -> str | None:
        if params.get("client_id") != CLIENT_ID or params.get("response_type") != "code":
            return "unknown client or response type"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE S256 required"
        if len(params.get("state", "")) < 32 or len(params.get("nonce", "")) < 32:
            return "state and nonce of 32 characters at least required"
        return None

    def issue_code(self, params) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**params, "used": False}
        return code

    def token(self, form) -> tuple[int, dict]:
        request = self.codes.get(form.get("code")) or {}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        checks = [
            (form.get("client_id") == CLIENT_ID, "client"),
            (form.get("client_secret") == CLIENT_SECRET, "client"),
            (bool(request), "unknown code"),
            (not request.get("used"), "code replayed"),
            (form.get("redirect_uri") == request.get("redirect_uri"), "redirect_uri"),
            (challenge.decode() == request.get("code_challenge"), "pkce"),
        ]
        failed = [why for ok, why in checks if not ok]
        if failed:
            self.refusals.append(failed[0])
            return 400, {"error": "invalid_grant", "error_description": failed[0]}
        request["used"] = True
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = dict(self.identity)
        id_token = self.id_token(request["nonce"])
        answer = {"access_token": access_token, "token_type": "Bearer", "expires_in": 60}
        return 200, {**answer, "id_token": id_token}

    def id_token(self, nonce) -> str:
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "sub": self.identity["sub"]}
        claims.update(iat=now, exp=now + 60, nonce=nonce, acr="eidas1")
        key = self.key
        if self.tamper == "nonce":
            claims["nonce"] = "un-autre-nonce-" + "x" * 32
        elif self.tamper == "expired":
            claims.update(iat=now - 3600, exp=now - 600)
        elif self.tamper == "signature":
            key = new_key(kid=self.key.kid)  # the same key id, another private key
        return self.sign(claims, key)

    def sign(self, claims, key=None) -> str:
        key = key or self.key
        return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)

    def userinfo(self, authorization: str) -> tuple[int, str, str]:
        identity = self.access_tokens.get(authorization.removeprefix("Bearer "))
        if identity is None:
            return 401, "application/json", json.dumps({"error": "invalid_token"})
        if self.userinfo_as_jwt:
            claims = {**identity, "iss": self.url, "aud": CLIENT_ID}
            return 200, "application/jwt", self.sign(claims)
        return 200, "application/json", json.dumps(identity)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    @property
    def provider(self) -> Provider:
        return self.server.provider

    def do_GET(self):
        url = urlparse(self.path)
        params = dict(parse_qsl(url.query))
        if url.path == "/.well-known/openid-configuration":
            return self.json(200, self.provider.metadata())
        if url.path == "/jwks":
            return self.json(200, self.provider.jwks())
        if url.path == "/authorize":
            return self.login_page(params)
        if url.path == "/userinfo":
            status, kind, body = self.provider.userinfo(self.headers.get("Authorization", ""))
            return self.send(status, kind, body)
        if url.path == "/logout":
            self.provider.logouts.append(params)
            back = f"{params['post_logout_redirect_uri']}?{urlencode({'state': params['state']})}"
            return self.redirect(back)
        return self.send(404, "text/plain", "not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        form = dict(parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/token":
            return self.json(*self.provider.token(form))
        if self.path == "/authorize":
            error = self.provider.authorization_error(form)
            if error:
                return self.send(400, "text/plain", error)
            code = self.provider.issue_code(form)
            query = urlencode({"code": code, "state": form["state"]})
            return self.redirect(f"{form['redirect_uri']}?{query}")
        return self.send(404, "text/plain", "not found")

    def login_page(self, params):
        error = self.provider.authorization_error(params)
        if error:
            return self.send(400, "text/plain", error)
        fields = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
        )
        who = html.escape(str(self.provider.identity.get("email", self.provider.identity["sub"])))
        page = (
            '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
            "<title>Fournisseur d'identité de test</title></head><body>"
            f"<h1>Fournisseur d'identité de test</h1><p>Compte : {who}</p>"
            f'<form method="post" action="/authorize">{fields}'
            '<button type="submit">Se connecter</button></form></body></html>'
        )
        return self.send(200, "text/html; charset=utf-8", page)

    def json(self, status, data):
        self.send(status, "application/json", json.dumps(data))

    def redirect(self, location):
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def send(self, status, kind, body):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
