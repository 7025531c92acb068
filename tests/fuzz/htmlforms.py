"""The forms of a page as a browser sees them: each <form> with its method, action and typed
fields (input type, select options, textarea), read with the standard library's parser."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Field:
    name: str
    kind: str  # an <input> type ("date", "number", "file", …), "select", "textarea"
    value: str = ""  # what the page fills in (selected option, checked box, text)
    options: list[str] = field(default_factory=list)  # choices of a select, radios, checkboxes
    multiple: bool = False
    required: bool = False


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def signature(self) -> tuple:
        return (self.method, self.action.split("?")[0], tuple(sorted(self.fields)))

    def baseline(self) -> dict:
        """What a person submitting the page as shown sends; empty required fields get a
        plausible value of their type (see `values.plausible`) from the caller."""
        data = {}
        for f in self.fields.values():
            if f.kind == "checkbox" and f.multiple:
                data[f.name] = [f.value] if f.value else []
            elif f.kind == "checkbox":
                data[f.name] = f.value  # "" unchecked
            else:
                data[f.name] = f.value
        return data


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.select: Field | None = None
        self.textarea: Field | None = None
        self.option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.form = Form(method=(a.get("method") or "get").lower(), action=action)
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            self._input(name, a)
        elif tag == "select" and name:
            self.select = self._add(name, "select", multiple="multiple" in a, required=a)
        elif tag == "option" and self.select is not None:
            value = a.get("value", "")
            self.select.options.append(value)
            if "selected" in a and not self.select.value:
                self.select.value = value
        elif tag == "textarea" and name:
            self.textarea = self._add(name, "textarea", required=a)

    def _add(self, name, kind, multiple=False, required=None) -> Field:
        f = self.form.fields.get(name)
        if f is None:
            f = Field(name, kind, multiple=multiple, required="required" in (required or {}))
            self.form.fields[name] = f
        return f

    def _input(self, name, a):
        kind = (a.get("type") or "text").lower()
        if kind == "text" and a.get("inputmode") in ("decimal", "numeric"):
            kind = "number"  # typed as text so that a French "35 000,50" is accepted
        if kind in ("submit", "button", "reset", "image"):
            return
        f = self._add(name, kind, required=a)
        if kind in ("checkbox", "radio"):
            value = a.get("value", "on")
            if f.options:
                f.multiple = kind == "checkbox"
            f.options.append(value)
            if "checked" in a and not f.value:
                f.value = value
        else:
            f.value = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the newline right after <textarea>.
            self.textarea.value = self.textarea.value.removeprefix("\r").removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data


def page_forms(html: str, page_url: str) -> list[Form]:
    parser = _Parser(page_url)
    parser.feed(html)
    return [f for f in parser.forms if f.fields or f.method == "post"]
