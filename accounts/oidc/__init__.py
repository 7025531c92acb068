"""Logging in through ProConnect (agents) and Pro Santé Connect (health professionals).

`client` speaks OpenID Connect (authlib: code flow with PKCE, state, nonce, signatures checked
against the provider's keys); `people` turns the verified claims into a portal account; `views`
holds the login, callback and logout pages.
"""
