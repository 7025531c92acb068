"""The State's bloc-marque (Marianne, "République française", the motto) for PDF documents.

Drawn from the DSFR package installed with django-dsfr (its logo stylesheet carries the Marianne
and the motto as SVG): no network, no copy of the artwork in this repository. WeasyPrint draws
the inline SVG; its URL fetcher refuses every URL, so nothing is fetched.
"""

import re
import urllib.parse
from functools import cache
from importlib import resources

from django.utils.safestring import SafeString, mark_safe

LOGO_CSS = "static/dsfr/dist/component/logo/logo.main.min.css"
BLUE, RED = "#000091", "#e1000f"  # the flag behind the Marianne (DSFR logo stylesheet)


def _svgs() -> list[str]:
    css = resources.files("dsfr").joinpath(LOGO_CSS).read_text(encoding="utf-8")
    uris = re.findall(r'url\("data:image/svg\+xml;charset=utf8,([^"]*)"\)', css)
    return [urllib.parse.unquote(uri) for uri in uris]


def _inner(svg: str) -> str:
    return svg[svg.index(">") + 1 : svg.rindex("</svg>")]


@cache
def marianne() -> SafeString:
    """The Marianne profile (white) on the blue and red flag, 44 × 16 units."""
    profile = _inner(_svgs()[0])  # drawn 1 unit higher than the flag, as the stylesheet does
    return mark_safe(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 44 16" class="marianne">'
        f'<rect width="22" height="16" fill="{BLUE}"/><rect x="22" width="22" height="16" '
        f'fill="{RED}"/><g transform="translate(0 -1)">{profile}</g></svg>'
    )


@cache
def devise() -> SafeString:
    """The motto (Liberté, Égalité, Fraternité) in black: the sheet's top-left copy, 126 × 90."""
    motto = _svgs()[1]
    motto = motto.replace("viewBox='0 0 252 180'", "viewBox='0 0 126 90' class='devise'", 1)
    return mark_safe(motto)
