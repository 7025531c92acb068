"""The committee page gives each agenda item its own opinion form: the form Django renders with
the item's prefix, byte for byte; and each document its own link."""

import pytest
from django.urls import reverse

from projects import committees
from projects.collaboration import Seat
from projects.forms import OpinionForm

from .committee_world import TwoItems, pdf_upload

pytestmark = pytest.mark.django_db

# Text that looks like a prefix: it must reach the page escaped and unchanged.
TRICKY = 'Jeanne ="p0-value" p0-comment'


def _section(html, project):
    return html.split(f'id="agenda-{project.pk}"')[1].split("</section>")[0]


@pytest.mark.parametrize("who", ["ars_dd", "cpam"])  # two seats (radios), one (hidden input)
def test_each_item_has_the_form_django_renders_with_its_prefix(world, login, who):
    two = TwoItems(world)
    two.committee.participants.filter(seat=Seat.USAGERS).update(name=TRICKY)
    user = getattr(world, who)
    html = login(user).get(reverse("projects:committee", args=[two.committee.pk])).content
    html = html.decode()
    choices = [(s.institution, s.label) for s in committees.opinion_seats(user, two.committee)]
    assert choices
    for project in (two.alpha, two.beta):
        form = str(OpinionForm(institutions=choices, prefix=f"p{project.pk}"))
        assert f'name="p{project.pk}-value"' in form
        assert form in _section(html, project)
    assert "p0-" not in html.replace(TRICKY.replace('"', "&quot;"), "")


def test_each_document_links_to_its_own_address(world, login):
    two = TwoItems(world)
    docs = [
        committees.add_document(two.committee, world.ars_dd, title=t, file=pdf_upload())
        for t in ("Ordre du jour", "Budget")
    ]
    html = login(world.ars_dd).get(reverse("projects:committee", args=[two.committee.pk]))
    for doc in docs:
        url = reverse("projects:committee_document", args=[two.committee.pk, doc.pk])
        assert f'<a href="{url}">{doc.title}</a>' in html.content.decode()
