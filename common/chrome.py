"""Template tags for the parts of every page that depend on nothing of the request: DSFR's
style sheets, icons, scripts and display-settings dialog, the menu's and footer's links.

Rendered at each request they cost about 1 ms of CPU on every page (inclusion templates, a
`reverse()` per link). `{% fixed %}…{% endfixed %}` renders its content once per process for
each language and script prefix — the only things such content may vary with (translations,
the URLs' prefix) — and `{% fixed_url "name" %}` reverses an argument-free URL name once per
prefix. Nothing that depends on the person, the page or the data may go inside.
"""

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language

register = template.Library()
_urls: dict[tuple[str, str], str] = {}


class FixedNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist
        self.rendered: dict[tuple[str | None, str], str] = {}

    def render(self, context):
        key = (get_language(), get_script_prefix())
        if key not in self.rendered:
            self.rendered[key] = self.nodelist.render(context)
        return self.rendered[key]


@register.tag
def fixed(parser, token):
    nodelist = parser.parse(("endfixed",))
    parser.delete_first_token()
    return FixedNode(nodelist)


@register.simple_tag
def fixed_url(name: str) -> str:
    key = (name, get_script_prefix())
    if key not in _urls:
        _urls[key] = reverse(name)
    return _urls[key]
