"""The whole journey in Debian's Chromium, each role logging in through the login form.

Leader submits the LI → LI committee (opinions of ARS, CPAM, MSA, URPS) → LI validated →
association → PS submitted → the ARS asks for an item → the leader completes → two months pass →
the PS is deemed validated by the Celery task on a real worker (Redis broker). Screenshots of
each role's main page go to test-artifacts/.
"""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail

from accounts.models import OrganisationKind
from projects.models import DocumentKind, IssuedDocument, Project
from projects.states import State
from projects.tasks import sweep_implicit_validations
from tests.browser import ARTIFACTS, chromium_page
from tests.factories import PASSWORD, CommuneFactory, DepartementFactory, RegionFactory, UserFactory
from tests.worker import wait_for
from tests.world import (
    LI_SECTIONS,
    MINIMAL_PDF,
    PS_SECTIONS,
    backdate_receipt,
    institution_user,
    today,
)


@pytest.fixture
def browser(live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with chromium_page() as page:
        yield page


class Journey:
    def __init__(self, page, base_url):
        self.page, self.base = page, base_url

    def go(self, path):
        self.page.goto(self.base + path)

    def login(self, user):
        self.page.context.clear_cookies()
        self.go("/accounts/login/")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button:has-text('Se connecter')")
        self.page.wait_for_url(re.compile(r".*/projets/.*"))

    def shot(self, name):
        self.page.screenshot(path=str(ARTIFACTS / f"journey-{name}.png"), full_page=True)

    def click(self, text):
        self.page.get_by_role("link", name=text).first.click()

    def submit(self, text):
        self.page.get_by_role("button", name=text).first.click()

    def fetch(self, link) -> bytes:
        """A document behind a link, with the person's session (PDFs open inline)."""
        return self.page.request.get(self.base + link.get_attribute("href")).body()

    def state(self):
        return self.page.locator("#project-state").text_content().strip()

    def decide(self, project, action, **fields):
        """Open a decision from the project page, fill it, continue, confirm."""
        self.go(f"/projets/{project.pk}/")
        self.page.locator(f"a[href='/projets/{project.pk}/action/{action}/']").click()
        for name, value in fields.items():
            self.page.fill(f"#id_{name}", value)
        self.submit("Continuer")
        self.page.locator("#confirm-action").click()
        self.page.wait_for_url(f"**/projets/{project.pk}/")

    def opinion(self, committee_url, project, institution, value="favorable"):
        self.go(committee_url)
        name = f"p{project.pk}"
        seats = self.page.locator(f"input[type='radio'][name='{name}-institution']")
        if seats.count():  # several seats (the ARS also speaks for the user representative)
            self.page.check(f"input[name='{name}-institution'][value='{institution}']", force=True)
        # No opinion is preselected: the person picks one.
        assert not self.page.locator(f"input[name='{name}-value']:checked").count()
        self.page.check(f"input[name='{name}-value'][value='{value}']", force=True)
        self.submit("Enregistrer l'avis")
        self.page.get_by_text("Avis enregistré.").wait_for()


@pytest.mark.e2e
def test_the_whole_journey_for_every_role(browser, live_server, celery_app, celery_worker):
    region = RegionFactory(code="75", name="Nouvelle-Aquitaine")
    gironde = DepartementFactory(code="33", name="Gironde", region=region)
    people = {
        "porteur": UserFactory(username="porteur", first_name="Paul", last_name="Porteur"),
        "ars-dd-33": institution_user(OrganisationKind.ARS_DD, gironde, username="ars-dd-33"),
        "ars-na": institution_user(OrganisationKind.ARS, gironde, username="ars-na"),
        "cpam-33": institution_user(OrganisationKind.CPAM, gironde, username="cpam-33"),
        "msa-33": institution_user(OrganisationKind.MSA, gironde, username="msa-33"),
        "urps-na": institution_user(OrganisationKind.URPS, gironde, username="urps-na"),
    }
    j = Journey(browser, live_server.url)
    page = browser

    # --- The leader creates the project and submits the LI -----------------------------
    j.login(people["porteur"])
    j.click("Créer un projet")
    page.fill("#id_name", "CPTS Entre-deux-Mers")
    page.select_option("#id_departement", str(gironde.pk))
    j.submit("Créer le projet")
    page.fill("#id_territory", LI_SECTIONS["territory"])
    j.submit("Vérifier la complétude")
    assert "diagnostic" in page.locator("#missing-sections").inner_text()
    for name, text in LI_SECTIONS.items():
        page.fill(f"#id_{name}", text)
    j.submit("Enregistrer et déposer")
    # No commune yet: the confirmation step says so (the territory is built in the browser by
    # tests/territories/test_e2e_territory.py; here a commune is added directly).
    assert "Le territoire est vide" in page.locator("main").inner_text()
    Project.objects.get(name="CPTS Entre-deux-Mers").communes.add(
        CommuneFactory(departement=gironde)
    )
    page.reload()
    page.locator("#confirm-submit").click()
    assert "Accusé de réception de la lettre d'intention" in page.locator("h1").inner_text()
    project = Project.objects.get(name="CPTS Entre-deux-Mers")
    assert project.state == State.LI_DEPOSEE
    j.go(f"/projets/{project.pk}/")
    assert "ARS" in page.locator("#hand").inner_text()

    # --- The ARS convenes the LI committee; each institution gives its opinion ---------
    j.login(people["ars-dd-33"])
    j.shot("ars-dd-dashboard")
    page.get_by_role("link", name="Comités").first.click()
    j.click("Programmer un comité")
    page.select_option("#id_kind", "li")
    page.select_option("#id_departement", str(gironde.pk))
    # Held yesterday: the LI decision below is taken in it (a decision names its committee).
    page.fill("#id_meets_at", (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT10:00"))
    page.fill("#id_place", "Délégation de la Gironde, salle 2")
    for box in page.locator("input[name='organisations']").all():
        box.check(force=True)
    page.fill("#id_invited", "Dr Claire Martin — médecin conseil")
    page.check(f"input[name='projects'][value='{project.pk}']", force=True)
    j.submit("Créer le comité")
    page.get_by_text("Comité créé.").wait_for()
    committee_url = page.url.replace(live_server.url, "")
    j.opinion(committee_url, project, "ars")
    for username, institution in (("cpam-33", "cpam"), ("msa-33", "msa"), ("urps-na", "urps")):
        j.login(people[username])
        j.shot(f"{username}-dashboard")
        j.opinion(committee_url, project, institution)
    opinions = page.locator(f"#agenda-{project.pk} li.opinion").all_inner_texts()
    speakers = (("ARS", "ars-dd-33"), ("CPAM", "cpam-33"), ("MSA", "msa-33"), ("URPS", "urps-na"))
    assert [o.split(" :")[0] for o in opinions] == [
        f"{kind} – {people[u].organisation}" for kind, u in speakers
    ]

    # --- The ARS validates the LI from the committee ------------------------------------
    j.login(people["ars-dd-33"])
    j.go(committee_url)
    page.get_by_role("link", name="Valider la lettre d'intention").click()
    j.submit("Continuer")
    page.locator("#confirm-action").click()
    page.wait_for_url(f"**/projets/{project.pk}/")
    assert j.state() == "Lettre d'intention validée"
    j.go(committee_url)
    assert j.fetch(page.get_by_role("link", name="Compte rendu (PDF)")).startswith(b"%PDF-")

    # --- The leader declares the association and submits the PS ------------------------
    j.login(people["porteur"])
    j.go(f"/projets/{project.pk}/")
    j.click("Déclarer l'association")
    page.fill("#id_name", "Association CPTS Entre-deux-Mers")
    page.fill("#id_rna", "W331234567")
    page.fill("#id_siret", "73282932000074")
    page.fill("#id_general_assembly_on", "2026-09-15")
    page.set_input_files(
        "#id_statutes",
        files=[{"name": "statuts.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}],
    )
    page.check("#id_confirm", force=True)
    j.submit("Enregistrer l'association")
    assert j.state() == "Association constituée"
    j.click("Rédiger le projet de santé")
    for name, text in PS_SECTIONS.items():
        page.fill(f"#id_{name}", text)
    j.submit("Enregistrer et déposer")
    page.locator("#confirm-submit").click()
    project.refresh_from_db()
    assert project.state == State.PS_DEPOSE
    assert page.locator("#ack-implicit").inner_text().endswith(str(project.ps_implicit_on.year))

    # --- The ARS asks for a missing item; the leader completes --------------------------
    j.login(people["ars-dd-33"])
    j.decide(project, "request_ps_items", items="Charte d'engagement signée")
    assert j.state() == "Projet de santé incomplet (pièces demandées)"
    j.login(people["porteur"])
    j.go(f"/projets/{project.pk}/")
    assert "Charte d'engagement signée" in page.content()
    j.click("Compléter le projet de santé")
    page.fill("#id_commitments", PS_SECTIONS["commitments"] + " ; charte signée jointe")
    j.submit("Enregistrer et déposer")
    page.locator("#confirm-submit").click()
    project.refresh_from_db()
    assert project.state == State.PS_DEPOSE and project.ps_received_on == today()

    # --- Two months pass: the Celery task on the real worker deems the PS validated -----
    backdate_receipt(project, today() - relativedelta(months=2, days=1))
    assert sweep_implicit_validations.delay().get(timeout=30) == 1
    project.refresh_from_db()
    assert project.state == State.PS_REPUTE_VALIDE
    # The tasks it queued on commit: the attestation issued to the file, the mails.
    attestation = IssuedDocument.objects.filter(kind=DocumentKind.IMPLICIT_ATTESTATION)
    assert wait_for(lambda: attestation.filter(project=project).exists(), timeout=60)
    deemed = f"{project.name} : Projet de santé réputé validé"
    assert wait_for(lambda: any(m.subject.endswith(deemed) for m in mail.outbox), timeout=60)

    j.go(f"/projets/{project.pk}/")
    assert j.state() == "Projet de santé réputé validé"
    assert page.locator("[data-event='deem_ps_validated']").count() == 1
    assert j.fetch(page.locator("#implicit-attestation")).startswith(b"%PDF-")
    j.shot("porteur-project")

    # --- The regional ARS and the URPS see it; the URPS cannot decide anything ----------
    j.login(people["ars-na"])
    j.shot("ars-na-dashboard")
    assert "CPTS Entre-deux-Mers" in page.content()
    j.login(people["urps-na"])
    j.go(f"/projets/{project.pk}/")
    assert page.locator("#ars-actions").count() == 0
    j.shot("urps-na-project")

    # Notifications went through the worker to the leader at each step.
    leader_mails = [m.subject for m in mail.outbox if people["porteur"].email in m.to]
    assert any("réputé validé" not in s and "validée" in s for s in leader_mails)
    assert any("avis CPAM" in s for s in leader_mails)
    assert any("réputé validé" in s for s in leader_mails)
