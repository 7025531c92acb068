"""The OpenID Connect side: one authlib client per configured provider (settings
CPTS_OIDC_PROVIDERS), the redirect to the provider, the checked claims coming back, the logout."""

import functools

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

LEEWAY = 60  # seconds of clock difference accepted on the ID token's dates


class LoginFailed(Exception):
    """The provider's answer is not one we accept (the message is for the logs)."""


# Every way a login can come back broken or forged: the person sees a page, never a 500.
FAILURES = (AuthlibBaseError, JoseError, requests.RequestException, LoginFailed, ValueError)


def configured() -> dict:
    """{name: settings} of the providers whose buttons show."""
    return settings.CPTS_OIDC_PROVIDERS


def client(name: str):
    """The provider's authlib client, or None when it is not configured."""
    config = configured().get(name)
    return _client(name, tuple(sorted(config.items()))) if config else None


@functools.lru_cache(maxsize=8)
def _client(name, config):
    # Kept per configuration: the client caches the discovery document and the provider's keys.
    config = dict(config)
    return OAuth().register(
        name,
        server_metadata_url=config["server_metadata_url"],
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        authorize_params={"acr_values": config["acr_values"]} if config["acr_values"] else None,
        client_kwargs={
            "scope": config["scope"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": 10,
            # ProConnect's access tokens live 60 s: authlib's default margin (60 s) would
            # deem them expired before the userinfo call.
            "leeway": 10,
        },
    )


def _absolute(request, name: str, setting: str, view: str) -> str:
    return configured()[name][setting] or request.build_absolute_uri(reverse(view, args=[name]))


def authorization_redirect(request, name: str):
    """The redirect to the provider; state, nonce and PKCE verifier stay in the session."""
    # ProConnect wants a state and a nonce of 32 characters at least (authlib's are shorter).
    return client(name).authorize_redirect(
        request,
        _absolute(request, name, "redirect_uri", "oidc_callback"),
        state=generate_token(48),
        nonce=generate_token(48),
    )


def verified_claims(request, name: str) -> tuple[dict, str]:
    """The person's claims and the raw ID token, once the state, the code (with the PKCE
    verifier), the ID token's signature, issuer, audience, dates and nonce are checked."""
    oidc = client(name)
    token = oidc.authorize_access_token(request, leeway=LEEWAY)
    if "userinfo" not in token:
        raise LoginFailed("the token answer holds no ID token")
    claims = dict(token["userinfo"])
    info = _userinfo(oidc, token)
    if info.get("sub") != claims["sub"]:
        raise LoginFailed("userinfo is about another subject than the ID token")
    return {**info, **claims}, token["id_token"]


def _userinfo(oidc, token) -> dict:
    metadata = oidc.load_server_metadata()
    response = oidc.get(metadata["userinfo_endpoint"], token=token)
    response.raise_for_status()
    if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
        claims = response.json()
        if not isinstance(claims, dict):
            raise LoginFailed("userinfo is not a JSON object")
        return claims
    # ProConnect signs its userinfo answer: checked against the same keys as the ID token.
    claims = _decode(oidc, response.text, metadata.get("userinfo_signing_alg_values_supported"))
    if claims.get("iss", metadata.get("issuer")) != metadata.get("issuer"):
        raise LoginFailed("userinfo issued by another issuer")
    audience = claims.get("aud", oidc.client_id)
    if oidc.client_id not in (audience if isinstance(audience, list) else [audience]):
        raise LoginFailed("userinfo issued for another client")
    return claims


def _decode(oidc, value: str, algorithms) -> dict:
    try:
        keys = KeySet.import_key_set(oidc.fetch_jwk_set())
        return jwt.decode(value, keys, algorithms=algorithms).claims
    except InvalidKeyIdError:  # the provider rotated its keys since we fetched them
        keys = KeySet.import_key_set(oidc.fetch_jwk_set(force=True))
        return jwt.decode(value, keys, algorithms=algorithms).claims


def end_session_url(request, name: str, id_token: str) -> str | None:
    """Where the browser ends its session at the provider; None if the provider has no
    end-session endpoint or cannot be reached (the portal session is closed anyway)."""
    oidc = client(name)
    if oidc is None:
        return None
    try:
        response = oidc.logout_redirect(
            request,
            post_logout_redirect_uri=_absolute(
                request, name, "post_logout_redirect_uri", "oidc_logged_out"
            ),
            id_token_hint=id_token,
            state=generate_token(48),
        )
    except (RuntimeError, *FAILURES):
        return None
    return response.url


def check_logout_return(request, name: str) -> None:
    """The provider sent the browser back after logout: its state must be ours."""
    client(name).validate_logout_response(request)
