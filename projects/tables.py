from html import escape

import django_tables2 as tables
import tablib
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2.templatetags.django_tables2 import table_page_range

from common import exports

from .models import Project
from .progress import ARS, ARS_AM, CLOSED, HAND, LEADERS, NEAR_DAYS
from .states import State


def _deadline_flag(state, deadline, today) -> str:
    """Overdue and near-deadline PS stand out (colour and a text badge, not colour alone)."""
    if state != State.PS_DEPOSE or deadline is None:
        return ""
    days = (deadline - today).days
    if days < 0:
        return "overdue"
    return "near" if days <= NEAR_DAYS else ""


# The badge on a running PS deadline: the text says it, the colour repeats it.
BADGE_CLASS = {"overdue": "fr-badge--error", "near": "fr-badge--warning", "": "fr-badge--info"}
STATE_LABELS = dict(State.choices)
# The opposition deadline means something only while it runs (an incomplete file's restarts).
RUNNING_DEADLINE = {State.PS_DEPOSE}
EMPTY = "—"  # what django-tables2 shows for an empty cell
# "À la main", short enough for the table to fit at 1280 px (exports keep the full labels).
SHORT_HAND = {
    LEADERS: "Porteurs",
    ARS: "ARS (DD)",
    ARS_AM: "ARS et Assurance Maladie",
    CLOSED: "Personne (clos)",
}


def _or_empty(value):
    return EMPTY if value is None or value == "" else value


def short_population(value) -> str:
    """82 345 → « 82 k », 1 234 567 → « 1,2 M »: the table's width, not the exact count."""
    if value is None:
        return EMPTY
    if value >= 999_500:  # thresholds at the rounding: never « 1000 k » nor « 10,0 k »
        return f"{value / 1_000_000:.1f} M".replace(".", ",")
    if value >= 9_950:
        return f"{round(value / 1000)} k"
    if value >= 1000:
        return f"{value / 1000:.1f} k".replace(".", ",")
    return str(value)


def deadline_badge(state, deadline, today) -> tuple[str, str]:
    """(text, DSFR badge class) for a running PS deadline, ("", "") otherwise."""
    if state != State.PS_DEPOSE or deadline is None:
        return "", ""
    days = (deadline - today).days
    text = "Dépassée" if days < 0 else f"J-{days}"
    return text, BADGE_CLASS[_deadline_flag(state, deadline, today)]


class ProjectTable(tables.Table):
    """Headers, sorting and pagination from django-tables2; the HTML is written here
    (`as_html`): its per-cell machinery (an `inspect.signature` per cell), then its template's
    tags (a query string rebuilt by a template node per link) cost more than the rest of the
    dashboard."""

    name = tables.Column(verbose_name="Nom")
    departement = tables.Column(accessor="departement__code", verbose_name="Dépt.")
    ps_deadline = tables.Column(verbose_name="Date limite d'opposition")
    hand = tables.Column(empty_values=(), orderable=False, verbose_name="À la main")

    class Meta:
        model = Project
        fields = ("name", "departement", "state", "taille", "population", "ps_deadline")
        sequence = ("name", "departement", "state", "taille", "population", "ps_deadline", "hand")
        attrs = {"class": "cpts-projects"}
        order_by = ("ps_deadline",)

    # What `page_rows` reads of a project, in the order of its cells.
    COLUMNS = ("name", "departement__code", "state", "taille", "population", "ps_deadline")

    def page_rows(self) -> list[str]:
        """The current page's rows, as HTML: the columns read straight from the database in
        the table's order, no model instances (a page of 25 took longer to build than to show)."""
        rows = self.data.data  # the filtered queryset, ordered as the table is sorted
        if getattr(self, "page", None) is not None:  # not `if self.page`: it reads the page
            start = max(self.page.start_index() - 1, 0)
            rows = rows[start : self.page.end_index()]
        today = timezone.localdate()
        # One reverse() for the page, not one per row: the project page's URL with a pk slot.
        url = reverse("projects:detail", args=[0]).replace("/0/", "/{}/")
        values = rows.values_list("pk", *self.COLUMNS)
        return [_row_html(row, i, today, url) for i, row in enumerate(values)]

    def as_html(self) -> SafeString:
        """The table in DSFR markup: sortable headers, the page's rows, then the pagination."""
        links = _Links(self.request.GET)
        heads = "".join(
            _head_html(column, links, self.prefixed_order_by_field) for column in self.columns
        )
        rows = "".join(self.page_rows()) or (
            f'<tr><td colspan="{len(self.columns)}">Aucun résultat.</td></tr>'
        )
        return mark_safe(
            f'<table class="{self.attrs["class"]}"><thead><tr>{heads}</tr></thead>'
            f"<tbody>{rows}</tbody></table>{_pagination_html(self, links)}"
        )


class _Links:
    """The current page's query string with one parameter replaced, as django-tables2's
    `querystring_replace` writes it."""

    def __init__(self, query):
        self.params = dict(query.lists())

    def replacing(self, name, value) -> str:
        return conditional_escape("?" + urlencode({**self.params, name: value}, doseq=True))


def _head_html(column, links: _Links, order_field: str) -> str:
    sort = ""
    if column.is_ordered:
        direction = "descending" if column.order_by_alias.is_descending else "ascending"
        sort = f' aria-sort="{direction}"'
    header = conditional_escape(column.header)
    if column.orderable:
        header = (
            f'<a href="{links.replacing(order_field, column.order_by_alias.next)}">{header}</a>'
        )
    return f'<th scope="col"{sort}>{header}</th>'


# DSFR pagination: first, previous, up to ten numbers, next, last; disabled links at the ends.
_NO_LINK = ' aria-disabled="true" role="link"'


def _pagination_html(table, links: _Links) -> str:
    paginator, page = table.paginator, table.page
    if paginator.num_pages <= 1:
        return ""
    field = table.prefixed_page_field

    def link(css, label, number):
        target = f' href="{links.replacing(field, number)}"' if number else _NO_LINK
        return f'<li><a class="fr-pagination__link {css}"{target}>{label}</a></li>'

    previous = page.previous_page_number() if page.has_previous() else None
    following = page.next_page_number() if page.has_next() else None
    items = [
        link("fr-pagination__link--first", "Première page", 1 if previous else None),
        link(
            "fr-pagination__link--prev fr-pagination__link--lg-label", "Page précédente", previous
        ),
        *(_number_html(p, page.number, links, field) for p in table_page_range(page, paginator)),
        link("fr-pagination__link--next fr-pagination__link--lg-label", "Page suivante", following),
        link(
            "fr-pagination__link--last", "Dernière page", paginator.num_pages if following else None
        ),
    ]
    return (
        '<nav role="navigation" class="fr-pagination fr-mt-2w" aria-label="Pagination">'
        f'<ul class="fr-pagination__list">{"".join(items)}</ul></nav>'
    )


def _number_html(number, current: int, links: _Links, field: str) -> str:
    if number == "...":
        return '<li><span class="fr-pagination__link">…</span></li>'
    shown = localize(number)
    if number == current:
        where = ' aria-current="page"'
    else:
        where = f' href="{links.replacing(field, number)}"'
    return f'<li><a class="fr-pagination__link"{where} title="Page {shown}">{shown}</a></li>'


def _row_html(row, index: int, today, url: str) -> SafeString:
    # Python's html.escape, as Django's escape() calls it, without its per-call lazy-string
    # check (six cells in 25 rows: a tenth of the dashboard's CPU through format_html).
    pk, name, departement, state, taille, population, ps_deadline = row
    flag = _deadline_flag(state, ps_deadline, today)
    css = "odd" if index % 2 else "even"  # as django-tables2 marks rows
    deadline = EMPTY
    # Only while it runs: once decided, the old deadline would read as one still to meet.
    if ps_deadline and state in RUNNING_DEADLINE:
        deadline = ps_deadline.strftime("%d/%m/%Y")
        badge, badge_class = deadline_badge(state, ps_deadline, today)
        if badge:
            deadline += (
                f' <span class="fr-badge fr-badge--sm fr-badge--no-icon {badge_class}">'
                f"{badge}</span>"
            )
    hand = HAND.get(state, CLOSED)
    texts = (STATE_LABELS[state], _or_empty(taille), short_population(population))
    cells = "".join(f"<td>{escape(str(text))}</td>" for text in texts)
    return mark_safe(
        f'<tr class="{f"cpts-row--{flag} {css}" if flag else css}">'
        f'<td><a href="{url.format(pk)}">{escape(str(_or_empty(name)))}</a></td>'
        f"<td>{escape(str(departement))}</td>{cells}<td>{deadline}</td>"
        f"<td>{escape(SHORT_HAND.get(hand, hand))}</td></tr>"
    )


# Exports: every filtered row, straight from the database in the table's order. Rendering each
# cell through django-tables2 costs ~0.5 ms a row (9 s for 20 000 rows); values() does not.
EXPORT_COLUMNS = [
    ("name", "Nom"),
    ("departement__code", "Dépt."),
    ("state", "État"),
    ("taille", "Taille"),
    ("population", "Population"),
    ("ps_deadline", "Date limite d'opposition"),
]


def _export_rows(queryset):
    states = dict(State.choices)
    fields = [name for name, _ in EXPORT_COLUMNS]
    for row in queryset.values_list(*fields).iterator(chunk_size=5000):
        name, dept, state, taille, population, deadline = row
        state_label, hand = states.get(state, state), HAND.get(state, CLOSED)
        yield [name, dept, state_label, taille, population, deadline, hand]


def export_dataset(queryset) -> tablib.Dataset:
    """Every row of `queryset`, in its order, for common.exports (formulas neutralised there)."""
    headers = [label for _, label in EXPORT_COLUMNS] + ["À la main"]
    return exports.dataset(headers, _export_rows(queryset))
