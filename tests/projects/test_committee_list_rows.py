"""The committee list writes its rows in the view (`_list_row`): the same text as the
template's `date:"d/m/Y H:i"` and `join:", "` filters wrote, escaped by the template alike."""

import datetime as dt

import pytest
from django.template import engines

from projects.collaboration import Committee, CommitteeKind
from projects.views.committees import _list_row

pytestmark = pytest.mark.django_db

BEFORE = engines["django"].from_string(
    '{{ c.meets_at|date:"d/m/Y H:i" }}|{% if c.meets_at > now %}à venir{% endif %}|'
    '{{ c.get_kind_display }}|{{ c.departement }}|{{ c.place }}|{{ agenda|join:", " }}'
)
AFTER = engines["django"].from_string(
    "{{ row.date }}|{% if row.upcoming %}à venir{% endif %}|"
    "{{ row.kind }}|{{ row.departement }}|{{ row.place }}|{{ row.agenda }}"
)
NOW = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)  # the night Paris moves to summer time


@pytest.mark.parametrize(
    "meets_at",
    [
        dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC),  # the next day in Paris (UTC+1)
        dt.datetime(2026, 7, 1, 22, 5, tzinfo=dt.UTC),  # the next day in Paris (UTC+2)
        NOW,  # not "à venir": not after now
        NOW + dt.timedelta(minutes=1),
    ],
)
@pytest.mark.parametrize("agenda", [[], ["CPTS A & B"], ["<i>C</i>", 'D "E"', "F'G"]])
def test_rows_read_as_the_template_filters_wrote_them(world, meets_at, agenda):
    committee = Committee(
        kind=CommitteeKind.LI, departement=world.dept, meets_at=meets_at, place="Salle <1> & 2"
    )
    before = BEFORE.render({"c": committee, "agenda": agenda, "now": NOW})
    after = AFTER.render({"row": _list_row(committee, "/x/", agenda, NOW)})
    assert after == before
    assert "&amp;" in after
