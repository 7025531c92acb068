"""PDF rendering with WeasyPrint: self-contained and reproducible byte for byte."""

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

# WeasyPrint logs each rendering step at INFO: keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _no_fetch(url, *args, **kwargs):
    """Documents are self-contained: nothing is fetched (no file://, no network)."""
    raise ValueError(f"Ressource externe refusée : {url}")


def render_pdf(template: str, context: dict, issued_at=None) -> bytes:
    """Same template, data and issue date: same bytes (WeasyPrint writes no timestamp)."""
    html = render_to_string(template, {**context, "issued_at": issued_at or timezone.now()})
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf()
