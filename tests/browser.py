"""Debian's Chromium driven by Playwright, as every browser test launches it."""

import os
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.test import Client

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_context(width=1280, height=1000):
    """A fresh browser context (French locale); screenshots go to ARTIFACTS."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        try:
            yield context
        finally:
            context.close()
            browser.close()
            # The test ran in Playwright's greenlet with its own Django connection: close it,
            # or it outlives the test database.
            connections.close_all()


@contextmanager
def chromium_page(**size):
    with chromium_context(**size) as context:
        page = context.new_page()
        page.set_default_timeout(20_000)
        yield page


def log_in(context, base_url, user):
    """Give the browser context `user`'s session, without going through the login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
