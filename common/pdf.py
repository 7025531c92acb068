"""PDF rendering with WeasyPrint: self-contained and reproducible byte for byte."""

import logging

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .bloc_marque import devise, marianne

# WeasyPrint logs each rendering step at INFO: keep the application log readable.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(template: str, context: dict, issued_at=None) -> bytes:
    """Same template, data and issue date: same bytes (WeasyPrint writes no timestamp)."""
    context = {**context, "issued_at": issued_at or timezone.now()}
    # The State's bloc-marque, for templates that include "pdf/_bloc_marque.html".
    context.setdefault("bloc_marque", {"marianne": marianne(), "devise": devise()})
    html = render_to_string(template, context)
    # Self-contained: every URL is refused (no file://, no network) and its resource skipped.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()
