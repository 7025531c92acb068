import datetime as dt
from bisect import bisect_left
from html import escape
from operator import attrgetter

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from common import ics
from projects.committees import committee_event, visible_committees
from projects.selectors import visible_projects

from . import services
from .collect import current, deadlines_for
from .models import CalendarFeed

HORIZONS = (30, 90, 365)
# A regional ARS has about 1 500 projects and 1 700 deadlines within 90 days: pages of 50, the
# overdue first (they are the earliest), the counts of all above the table.
PER_PAGE = 50
# What `collect` reads of a project: a whole row per project was a third of a regional render.
# `state` stays loaded (django-fsm reads it when building each project).
PROJECT_FIELDS = ("pk", "name", "state", "ps_deadline", "ps_submitted_at")


def _projects(user):
    return visible_projects(user).select_related(None).only(*PROJECT_FIELDS)


def _horizon(request) -> int:
    try:
        value = int(request.GET.get("horizon", 90))
    except ValueError:
        return 90
    return value if value in HORIZONS else 90


def personal_feed_url(request) -> str | None:
    """The person's private calendar address; None until they create it (a POST)."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if feed is None:
        return None
    return request.build_absolute_uri(reverse("reminders:feed", args=[feed.secret]))


def _row_html(d, days_left: int, overdue: bool, project_url: str) -> str:
    """One row of the table, written here: the template's tags cost a third of a regional
    render for 50 rows. Every text is escaped as the template's autoescape did."""
    if overdue:
        delay = '<p class="fr-badge fr-badge--error fr-badge--sm">Dépassée</p>'
    elif days_left <= 7:
        delay = f'<p class="fr-badge fr-badge--warning fr-badge--sm">J-{days_left}</p>'
    else:
        delay = f"J-{days_left}"
    label = escape(d.label)
    if d.to_confirm:
        why = escape(d.to_confirm)
        label += (
            ' <span class="fr-badge fr-badge--warning fr-badge--sm to-confirm" '
            f'title="{why}">date à confirmer</span><br><span class="fr-text--xs">{why}</span>'
        )
    due, tr = d.due, '<tr class="deadline-overdue">' if overdue else "<tr>"
    return (
        f"\n    {tr}"
        f"\n      <td>{due.day:02}/{due.month:02}/{due.year:04}</td>"
        f"\n      <td>{delay}</td>"
        f'\n      <td><a href="{escape(project_url)}">'
        f"{escape(d.project_name)}</a></td>"
        f"\n      <td>{label}</td>"
        f"\n      <td>{escape(d.holder_label)}</td>"
        "\n    </tr>\n  "
    )


@login_required
def deadline_list(request):
    today = timezone.localdate()
    horizon = _horizon(request)
    # Nothing due after the horizon shows: projects whose stored dates are later are not read.
    until = today + dt.timedelta(days=horizon)
    items = current(deadlines_for(_projects(request.user), until), today, horizon)
    # By date, and a passed deadline is kept only when overdue: the overdue come first.
    overdue_count = bisect_left(items, today, key=attrgetter("due"))
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    # One reverse() for the page, not one per row.
    project_url = reverse("projects:detail", args=[0]).replace("/0/", "/{}/")
    rows = [
        (d, d.days_left(today), d.is_overdue(today), project_url.format(d.project_id)) for d in page
    ]
    return render(
        request,
        "reminders/deadline_list.html",
        {
            "rows": rows,
            "rows_html": mark_safe("".join(_row_html(*row) for row in rows)),  # escaped there
            "page": page,
            "pages": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "count": len(items),
            "overdue_count": overdue_count,
            "horizon": horizon,
            "horizons": HORIZONS,
            "feed_url": personal_feed_url(request),
        },
    )


@login_required
@require_POST
def regenerate_feed(request):
    """A new secret address; the old one stops working at once."""
    services.renew_feed(request.user)
    return redirect("reminders:list")


def calendar_feed(request, secret):
    """Private iCalendar feed: committees and deadlines of the feed owner's projects."""
    feed = CalendarFeed.objects.select_related("user__organisation").filter(secret=secret).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    user, today = feed.user, timezone.localdate()
    host = request.get_host()
    events = [
        ics.all_day_event(
            f"{d.key}@{host}",
            d.due,
            f"{d.label} – {d.project_name}",
            f"À la main : {d.holder_label}"
            + (f" — date à confirmer : {d.to_confirm}" if d.to_confirm else ""),
        )
        for d in deadlines_for(_projects(user))
        if d.due >= today - dt.timedelta(days=365)
    ]
    committees = visible_committees(user).prefetch_related("projects")
    events += [committee_event(committee, host) for committee in committees]
    body = ics.calendar("Portail CPTS – échéances et comités", events)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
