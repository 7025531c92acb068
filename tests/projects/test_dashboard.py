"""The ARS dashboard: scoped, filtered, sortable, paginated, exported, in bounded queries."""

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.template import engines
from django.urls import reverse

from projects import services
from projects.models import Project
from projects.states import State
from tests.world import backdate_receipt, new_project, project_in_state, today

pytestmark = pytest.mark.django_db
URL = reverse("projects:list")


@pytest.fixture
def board(world):
    overdue, _, _ = project_in_state(State.PS_DEPOSE, world.dept)
    backdate_receipt(overdue, today() - dt.timedelta(days=70))
    near, _, _ = project_in_state(State.PS_DEPOSE, world.dept)
    backdate_receipt(near, today() - dt.timedelta(days=55))
    far, _, _ = project_in_state(State.PS_DEPOSE, world.dept)
    letter, _, _ = project_in_state(State.LI_DEPOSEE, world.dept)
    elsewhere, _, _ = project_in_state(State.PS_DEPOSE, world.other_dept)
    for p, name in ((overdue, "A-retard"), (near, "B-proche"), (far, "C-loin"), (letter, "D-li")):
        type(p).objects.filter(pk=p.pk).update(name=name)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(name="Z-ailleurs")
    return world


def rows(response):
    return [str(r.record.name) for r in response.context["table"].page.object_list]


def test_scoped_to_the_territory_and_sorted_by_deadline(board, login):
    response = login(board.ars_dd).get(URL)
    assert rows(response)[:3] == ["A-retard", "B-proche", "C-loin"]
    assert "Z-ailleurs" not in rows(response)
    assert "Z-ailleurs" in rows(login(board.ars_dd_other).get(URL))


def test_overdue_and_near_rows_stand_out(board, login):
    html = login(board.ars_dd).get(URL).content.decode()
    assert html.count('class="cpts-row--overdue ') == 1
    assert html.count('class="cpts-row--near ') == 1
    # Every running PS deadline has its days-remaining badge: text and colour.
    body = html[html.index("<tbody>") :]
    assert body.count('fr-badge--error">Dépassée</span>') == 1
    near = Project.objects.get(name="B-proche").ps_deadline
    assert f'fr-badge--warning">J-{(near - today()).days}</span>' in body
    far = Project.objects.get(name="C-loin").ps_deadline
    assert f'fr-badge--info">J-{(far - today()).days}</span>' in body
    # DSFR's td background would hide a less specific highlight.
    assert ".fr-table__content table.cpts-projects tbody tr.cpts-row--overdue td" in html


def test_table_is_short_enough_for_1280_px(board, login):
    Project.objects.filter(name="A-retard").update(population=82_345)
    html = login(board.ars_dd).get(URL).content.decode()
    assert "<td>82 k</td>" in html and "82345" not in html
    assert "<td>ARS (DD)</td>" in html and "fr-table--multiline" in html


@pytest.mark.parametrize(
    "value, shown",
    [
        (None, "—"),
        (850, "850"),
        (8_549, "8,5 k"),
        (9_990, "10 k"),
        (82_345, "82 k"),
        (999_700, "1,0 M"),
        (1_234_567, "1,2 M"),
    ],
)
def test_short_population(value, shown):
    from projects.tables import short_population

    assert short_population(value) == shown


def test_filters_state_and_deadline_within(board, login):
    client = login(board.ars_dd)
    assert rows(client.get(URL, {"state": State.LI_DEPOSEE})) == ["D-li"]
    assert rows(client.get(URL, {"deadline_within": 10, "sort": "name"})) == [
        "A-retard",
        "B-proche",
    ]
    assert rows(client.get(URL, {"sort": "-name"}))[0] == "D-li"


def test_filter_by_who_has_the_hand(board, login):
    client = login(board.cpam)
    assert rows(client.get(URL, {"hand": "ars", "sort": "name"})) == [
        "A-retard",
        "B-proche",
        "C-loin",
        "D-li",
    ]
    assert rows(client.get(URL, {"hand": "ars_am"})) == []
    far = Project.objects.get(name="C-loin")
    services.validate_health_project(far, board.ars_dd)
    assert rows(client.get(URL, {"hand": "ars_am"})) == ["C-loin"]  # the ACI to prepare


def test_departement_filter_offers_only_the_territory(board, login):
    html = login(board.ars_dd).get(URL).content.decode()
    select = re.search(r'<select name="departement".*?</select>', html, re.S).group(0)
    assert re.findall(r'<option value="(\d+)"', select) == [str(board.dept.pk)]
    client = login(board.cpam)
    assert len(rows(client.get(URL, {"departement": board.dept.pk}))) == 4
    assert rows(client.get(URL, {"departement": board.other_dept.pk})) == []  # not offered


def test_csv_and_xlsx_exports_hold_every_filtered_row(board, login):
    client = login(board.ars_dd)
    csv = client.get(URL, {"_export": "csv", "state": State.PS_DEPOSE})
    assert csv["Content-Disposition"] == 'attachment; filename="projets-cpts.csv"'
    body = csv.content.decode("utf-8-sig")
    assert "A-retard" in body and "C-loin" in body and "D-li" not in body
    assert "Z-ailleurs" not in body
    ordered = client.get(URL, {"_export": "csv", "sort": "-name"}).content
    assert ordered.startswith(b"\xef\xbb\xbfNom;")  # French spreadsheets: BOM and `;`
    lines = ordered.decode("utf-8-sig").splitlines()
    assert [line.split(";")[0] for line in lines[1:]] == ["D-li", "C-loin", "B-proche", "A-retard"]
    assert lines[1].split(";")[2] == "Lettre d'intention déposée"  # the state's label
    xlsx = client.get(URL, {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert names == {"A-retard", "B-proche", "C-loin", "D-li"}


def test_paginated(world, login):
    for i in range(30):
        new_project(world.dept, name=f"P{i:02d}")
    client = login(world.ars_dd)
    first = client.get(URL, {"sort": "name"})
    assert len(rows(first)) == 25
    assert len(rows(client.get(URL, {"page": 2}))) == 5
    # DSFR pagination, the sorted column announced to screen readers.
    html = first.content.decode()
    assert '<nav role="navigation" class="fr-pagination' in html
    assert 'aria-current="page" title="Page 1">1</a>' in html
    assert 'href="?sort=name&amp;page=2"' in html and "Page suivante" in html
    assert 'aria-disabled="true" role="link">Page précédente' in html
    assert html.count('aria-sort="ascending"') == 1


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_rows(world, login, count, django_assert_max_num_queries):
    for i in range(count):
        new_project(world.dept, name=f"P{i:02d}")
    client = login(world.ars_dd)
    # Session, user with organisation, count, the filter's départements, the page, saved filters.
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert len(rows(response)) == min(count, 25)


@pytest.mark.parametrize("count", [1, 10])
def test_project_page_queries_do_not_grow_with_its_file(
    world, login, count, django_assert_max_num_queries, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from projects import committees
    from projects.collaboration import Attachment, CommitteeKind

    project, leader, _ = project_in_state(State.PS_DEPOSE, world.dept)
    for i in range(count):
        Attachment.objects.create(
            project=project, kind="ps", title=f"Pièce {i}", uploaded_by=leader,
            file=ContentFile(b"%PDF-", name=f"p{i}.pdf"),
        )  # fmt: skip
        committee = committees.create_committee(
            world.ars_dd,
            kind=CommitteeKind.PS,
            user_representative="France Assos Santé",
            departement=world.dept,
            meets_at=project.created_at,
            place="Salle",
            members="ARS",
            projects=[project],
        )
        committees.record_opinion(
            committee, project, world.cpam, institution="cpam", value="favorable"
        )
    client = login(world.ars_dd)
    # Session, user, organisation, project, members, events, committees and their opinions,
    # the journal, attachments, requested items, the territory's other départements.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.content.decode().count("Pièce ") == count


def test_exports_neutralise_formulas(world, login):
    new_project(world.dept, name='=HYPERLINK("http://evil","x")')
    client = login(world.ars_dd)
    csv = client.get(URL, {"_export": "csv"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert "\n=HYPERLINK" not in csv and '\n"=HYPERLINK' not in csv
    xlsx = client.get(URL, {"_export": "xlsx"}).content
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    (cell,) = [c for c in sheet["A"] if "HYPERLINK" in c.value]
    assert cell.value == '\'=HYPERLINK("http://evil","x")' and cell.data_type == "s"  # no formula


def test_project_page_shows_the_same_days_remaining_badge(board, login):
    client = login(board.ars_dd)
    for name, expected in (("A-retard", "fr-badge--error"), ("B-proche", "fr-badge--warning")):
        project = Project.objects.get(name=name)
        html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
        badge = re.search(r'<span class="fr-badge[^"]*" id="deadline-days">([^<]*)</span>', html)
        assert expected in badge.group(0)
        days = (project.ps_deadline - today()).days
        assert badge.group(1) == ("Dépassée" if days < 0 else f"J-{days}")


def test_a_decided_projects_old_deadline_is_not_shown(world, login):
    running, _ = new_project(world.dept, name="A-en-cours")
    decided, _ = new_project(world.dept, name="B-decide")
    deadline = today() + dt.timedelta(days=20)
    Project.objects.filter(pk=running.pk).update(state=State.PS_DEPOSE, ps_deadline=deadline)
    Project.objects.filter(pk=decided.pk).update(state=State.PS_VALIDE, ps_deadline=deadline)
    html = login(world.ars_dd).get(URL).content.decode()
    assert html.count(deadline.strftime("%d/%m/%Y")) == 1


def test_a_name_is_shown_escaped_in_its_row(board, login):
    overdue = Project.objects.get(name="A-retard")
    Project.objects.filter(pk=overdue.pk).update(name='<b>"Sud" & Co</b>')
    body = login(board.ars_dd).get(URL).content.decode()
    body = body[body.index("<tbody>") :]
    link = f'<a href="{reverse("projects:detail", args=[overdue.pk])}">'
    assert f"{link}&lt;b&gt;&quot;Sud&quot; &amp; Co&lt;/b&gt;</a>" in body
    assert "<b>" not in body


REFERENCE = Path(__file__).with_name("dsfr_table_reference.html")


def _squeezed(html) -> str:
    return re.sub(r">\s+<", "><", str(html).strip())


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "name"},
        {"sort": "-ps_deadline", "page": "2"},
        {"per_page": "2", "page": "9"},  # both ellipses of a long range
        {"per_page": "2", "page": "18", "name": "P<&\"'"},  # last page, odd characters kept
        {"name": "nothing like it"},  # no row
        {"sort": "hand"},  # not sortable: ignored
    ],
)
def test_the_table_is_written_as_its_former_template_wrote_it(world, login, query):
    """`ProjectTable.as_html` writes in Python what the django-tables2 template (kept in the
    tests as the reference) wrote: same headers, sort links, rows and pagination."""
    for i in range(35):
        new_project(world.dept, name=f"P<&\"'{i:02d}")
    response = login(world.ars_dd).get(URL, query)
    table = response.context["table"]
    expected = engines["django"].from_string(REFERENCE.read_text())
    reference = expected.render({"table": table}, response.wsgi_request)
    assert _squeezed(table.as_html()) == _squeezed(reference)
    assert _squeezed(table.as_html()) in _squeezed(response.content.decode())
