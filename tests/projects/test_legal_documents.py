"""Legal wording of the documents issued to the file (issue 15): each decision letter names its
signatory (name, quality, delegation of signature) and states the voies et délais de recours; each
receipt states the date of receipt, the day the implicit decision arises and that it arises only
if the file is complete; French dates ("1er"); the State's bloc-marque. Text read by pdftotext."""

import datetime as dt
import html
import os

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import SignatureDelegation
from accounts.signatories import signatory
from projects import documents, services
from projects.models import DocumentKind
from projects.states import OppositionGround, State
from tests.projects.test_documents import issued_text
from tests.world import WITHOUT_COMMITTEE, project_in_state

pytestmark = pytest.mark.django_db

RECOURS = (
    "Voies et délais de recours",
    "recours gracieux",
    "recours hiérarchique",
    "recours contentieux devant le tribunal administratif",
    "deux mois à compter de sa notification",
)


def keep(name, project, kind):
    """Leave a copy to look at when CPTS_KEEP_PDFS names a folder (never in CI)."""
    folder = os.environ.get("CPTS_KEEP_PDFS")
    if folder:
        _, document = documents.stored(project, kind)
        with open(os.path.join(folder, f"{name}.pdf"), "wb") as out:
            out.write(document.file.read())


def delegate(user, **fields):
    values = dict(
        organisation=user.organisation,
        user=user,
        quality="Directrice de la délégation départementale",
        delegated_by="le directeur général de l'ARS",
        act="Décision n° 2026-12 du 5 janvier 2026 portant délégation de signature",
        starts_on=dt.date(2026, 1, 5),
    )
    return SignatureDelegation.objects.create(**{**values, **fields})


def assert_bloc_marque(text):
    # pdftotext -layout reads the bloc-marque and the institution side by side.
    upper = text.upper()
    assert "RÉPUBLIQUE" in upper and "FRANÇAISE" in upper and "Agence régionale de santé" in text


def assert_recours(text):
    for words in RECOURS:
        assert words in text, words


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        ("reject", "La lettre d'intention n'est pas retenue"),
        ("changes", "Des modifications sont demandées"),
    ],
)
def test_li_letters_name_the_signatory_with_the_delegation_and_state_the_recours(
    mail_on_commit, decision, words
):
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, tzinfo=dt.UTC), tick=False):
        project, _, ars = project_in_state(State.LI_DEPOSEE)
        ars.first_name, ars.last_name = "Claire", "Martin"
        ars.save()
        delegate(ars)
        with mail_on_commit(execute=True):
            services.decide_letter(
                project,
                ars,
                decision,
                "Territoire trop étroit",
                without_committee=WITHOUT_COMMITTEE,
            )
        _, text = issued_text(project, DocumentKind.LI_DECISION)
        keep(f"li-{decision}", project, DocumentKind.LI_DECISION)
    assert words in text and "Territoire trop étroit" in text
    assert "Claire Martin" in text
    assert "Directrice de la délégation départementale" in text
    assert "Pour le directeur général de l'ARS et par délégation" in text
    assert "Décision n° 2026-12 du 5 janvier 2026 portant délégation de signature" in text
    assert "Décision du 1er décembre 2026" in text, "French date with the ordinal"
    assert_bloc_marque(text)
    assert_recours(text)


def test_opposition_letter_without_a_recorded_delegation_says_to_complete(mail_on_commit):
    project, _, ars = project_in_state(State.PS_DEPOSE)
    with mail_on_commit(execute=True):
        services.oppose_health_project(project, ars, OppositionGround.PRS, "Hors PRS")
    _, text = issued_text(project, DocumentKind.PS_DECISION)
    keep("ps-opposition", project, DocumentKind.PS_DECISION)
    assert "s'oppose au projet de santé" in text
    assert ars.username in text, "the deciding agent is named"
    assert "Qualité du signataire : à compléter" in text
    assert "Délégation de signature : à compléter" in text
    assert_recours(text)


def test_a_delegation_outside_its_dates_or_of_another_agent_is_not_used(mail_on_commit):
    project, _, ars = project_in_state(State.PS_DEPOSE)
    other = project_in_state(State.PS_DEPOSE, project.departement)[2]
    delegate(ars, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31))
    delegate(other, quality="Directeur adjoint")
    today = dt.date.today()
    assert signatory(ars, ars.organisation, today).quality == ""
    assert signatory(ars, ars.organisation, dt.date(2020, 6, 1)).quality.startswith("Directrice")
    assert signatory(None, None, today) is None
    # The DG signs in their own name: no "par délégation".
    delegate(ars, quality="Directeur général", delegated_by="", act="", starts_on=today)
    with mail_on_commit(execute=True):
        services.validate_health_project(project, ars)
    _, text = issued_text(project, DocumentKind.PS_DECISION)
    assert "Directeur général" in text and "par délégation" not in text
    assert_recours(text)


def test_delegation_bounds_are_database_constraints(db):
    project, _, ars = project_in_state(State.LI_DEPOSEE)
    for bad in (
        dict(starts_on=dt.date(2009, 12, 31)),  # before the ARS existed
        dict(ends_on=dt.date(2025, 1, 1)),  # ends before it starts
        dict(act=""),  # a delegation names its act
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            delegate(ars, **bad)


def test_missing_items_letter_lists_the_items_and_the_due_date_when_known(mail_on_commit):
    project, _, ars = project_in_state(State.PS_DEPOSE)
    delegate(ars)
    with mail_on_commit(execute=True):
        services.request_missing_items(
            project, ars, "Statuts signés\nListe des adhérents", dt.date(2026, 12, 31)
        )
    _, text = issued_text(project, DocumentKind.MISSING_ITEMS)
    keep("missing-items", project, DocumentKind.MISSING_ITEMS)
    assert "Demande de pièces manquantes" in text
    assert "Statuts signés" in text and "Liste des adhérents" in text
    assert "L.114-5" in text and "ne court qu'à compter de la réception" in text
    assert "31 décembre 2026" in text  # the date the ARS gave to provide them
    assert "Directrice de la délégation départementale" in text
    assert_recours(text)
    event = project.events.get(transition="request_ps_items")
    context = documents.decision_context(project, event, DocumentKind.MISSING_ITEMS)
    assert context["items"].startswith("Statuts signés")
    assert context["items_due_on"] == dt.date(2026, 12, 31)


def test_ps_receipt_states_receipt_implicit_date_and_completeness_condition(mail_on_commit):
    with time_machine.travel(dt.datetime(2026, 9, 30, 9, tzinfo=dt.UTC), tick=False):
        with mail_on_commit(execute=True):
            project, _, _ = project_in_state(State.PS_DEPOSE)
        project.refresh_from_db()
        _, text = issued_text(project, DocumentKind.ACK_PS)
        keep("ack-ps", project, DocumentKind.ACK_PS)
    assert "Date de réception du dossier complet : 30 septembre 2026" in text
    assert "jusqu'au 30 novembre 2026 inclus" in text
    assert "réputé validé à compter du 1er décembre 2026" in text, "1er, French ordinal"
    assert "ne naît que si le dossier est complet" in text
    assert_bloc_marque(text)


def test_li_receipt_states_the_receipt_and_flags_the_implicit_regime_to_confirm(mail_on_commit):
    with time_machine.travel(dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC), tick=False):
        with mail_on_commit(execute=True):
            project, _, _ = project_in_state(State.LI_DEPOSEE)
        project.refresh_from_db()
        _, text = issued_text(project, DocumentKind.ACK_LI)
    assert "le 1er octobre 2026" in text
    assert "Décision implicite : à confirmer" in text
    assert (
        "naîtrait le 2 décembre 2026" in text
        and "seulement si la lettre d'intention est complète" in text
    )


def test_closing_sans_suite_letter(mail_on_commit):
    project, _, ars = project_in_state(State.LI_VALIDEE)
    delegate(ars)
    with mail_on_commit(execute=True):
        services.close_without_follow_up(project, ars, "Sans nouvelles des porteurs depuis un an")
    _, text = issued_text(project, DocumentKind.CLOSING)
    assert "classé sans suite" in text and "Sans nouvelles des porteurs" in text
    assert "Directrice de la délégation départementale" in text
    assert_recours(text)


def test_receipt_pages_say_the_same_as_the_pdfs(client):
    project, leader, _ = project_in_state(State.PS_DEPOSE)
    client.force_login(leader)
    li = client.get(reverse("projects:acknowledgment", args=[project.pk, "li"]))
    li_text = html.unescape(li.content.decode())
    assert "Décision implicite :" in li_text and "à confirmer" in li_text
    ps = client.get(reverse("projects:acknowledgment", args=[project.pk, "ps"]))
    assert "ne naît que si le dossier est complet" in html.unescape(ps.content.decode())
