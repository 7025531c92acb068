"""Automated accessibility audit (axe-core, WCAG 2 A/AA rules) of the pages of every role, in
Debian's Chromium. The RGAA that binds French public services builds on WCAG 2.1 AA; axe finds
a part of what it asks (contrast, names, labels, structure), not a manual audit's worth.

Every named route of the URL conf is either audited here (a GET page, or a confirmation page
reached by posting its form as a person would) or listed in NOT_AUDITED with the reason: a new
route fails the test until it is placed."""

import datetime as dt
import json
from io import StringIO

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.core.management import call_command
from django.urls import resolve, reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from accounts.signup import activation_path
from funding import services as funding
from funding.demo import demo_avenant_awaiting_signatures, evaluation_awaiting_cpam
from projects import roster
from projects.collaboration import Committee, CommitteeKind
from projects.states import State
from tests.browser import ARTIFACTS, chromium_page
from tests.cpts_portal.test_url_matrix import url_patterns
from tests.factories import PASSWORD, DepartementFactory, UserFactory
from tests.projects.test_e2e_journey import Journey
from tests.world import (
    institution_user,
    make_aci_project,
    new_project,
    project_in_state,
    row_of_communes,
    signed_contract,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# Routes with no page of their own to audit, and why.
NOT_AUDITED = {
    "healthz": "JSON for the load balancer",
    "logout": "POST only, redirects",
    "oidc_start": "redirects to the identity provider",
    "oidc_callback": "the provider's return: redirects",
    "oidc_logged_out": "the provider's return: redirects",
    "approve_account": "POST only (from the pending accounts page, audited)",
    "refuse_account": "POST only (from the pending accounts page, audited)",
    "projects:filter_save": "POST only (from the dashboard)",
    "projects:filter_delete": "POST only (from the dashboard)",
    "projects:acknowledgment_pdf": "PDF",
    "projects:implicit_attestation": "PDF",
    "projects:decision_letter": "PDF",
    "projects:statutes": "the uploaded file",
    "projects:attachment": "the uploaded file",
    "projects:territory_preview": "JSON for the territory page's live summary",
    "projects:territory_map": "SVG drawn inside the territory page (audited)",
    "projects:first_leader": "POST only (from the project page)",
    "projects:committee_ics": "iCalendar file",
    "projects:committee_opinion": "POST only (from the committee page, audited)",
    "projects:committee_member_add": "POST only (from the committee page)",
    "projects:committee_attendance": "POST only (from the committee page)",
    "projects:committee_document_add": "POST only (from the committee page)",
    "projects:committee_document": "the uploaded file",
    "projects:committee_minutes": "PDF",
    "funding:entitlements_export": "CSV / XLSX",
    "funding:contract_pdf": "PDF",
    "funding:indicator_add": "POST only (from the contract page)",
    "funding:contract_terminate": "POST only: its confirmation is the termination page (audited)",
    "funding:avenant_propose": "POST only (from the contract page)",
    "funding:avenant_sign": "POST only (from the contract page)",
    "funding:avenant_pdf": "PDF",
    "funding:evaluation_submit": "POST only (from the evaluation page)",
    "funding:evaluation_corrections": "POST only (from the evaluation page)",
    "funding:evaluation_report": "the uploaded report",
    "funding:milestone_mark": "POST only (from the contract page)",
    "funding:roster_departure": "POST only (from the roster page)",
    "territories:commune_search": "JSON for the territory page",
    "territories:epci_communes": "JSON for the territory page",
    "reminders:regenerate_feed": "POST only (from the deadlines page)",
    "reminders:feed": "iCalendar file",
}
# The JSON API (tests/api/) has no page.
NOT_AUDITED_PREFIX = "api:"


def audit(page) -> list[dict]:
    page.evaluate(AXE_SCRIPT)
    result = page.evaluate(f"axe.run(document, {json.dumps(RULES)})")
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


def _post_form(start, fill, button, lands_on):
    """A confirmation page: open `start`, `fill(page)`, press `button`; the page shown must hold
    `lands_on` (the confirmation itself, not the form again)."""

    def reach(page, base):
        page.goto(base + start)
        fill(page)
        page.get_by_role("button", name=button).first.click()
        page.wait_for_load_state()
        assert page.locator(lands_on).count() == 1, (start, page.url)

    return reach


def _reason(text):
    def fill(page):
        page.fill("textarea[name=reason]", text)

    return fill


def _opposition(page):
    page.fill("textarea[name=reason]", "Le projet ne répond pas aux objectifs du PRS.")
    page.click("label[for=id_ground_0]")  # DSFR radios: the label takes the click


def _crisis(page):
    page.fill("#id_declared_on", "2024-01-10")
    page.fill("#id_label", "Canicule")
    page.select_option("#id_departements", index=0)


def _pre_aci(page):
    page.locator("input[id^=pre-aci-]").first.fill("2024-01-10")


def _fir(page):
    page.locator("input[id^=fir-date-]").first.fill("2024-01-10")
    page.locator("input[id^=fir-amount-]").first.fill("35000")


def _upload(path):
    def fill(page):
        page.set_input_files("input[type=file]", str(path))

    return fill


def _nothing(page):
    pass


def _signature(page):
    page.fill("input[name=signed_on]", "2023-03-01")


def _payment(page):
    page.fill("#id_paid_on", "2023-02-10")
    page.fill("#id_amount", "100")


def _mission_start(start):
    """The first mission's start, from the contract page: its confirmation page."""

    def reach(page, base):
        page.goto(base + start)
        form = page.locator("form[action$='/mission/']").first
        form.locator("input[name=started_on]").fill("2023-09-01")
        form.get_by_role("button").click()
        page.wait_for_load_state()
        assert page.locator("#confirm-mission-start").count() == 1, (start, page.url)

    return reach


def test_main_pages_have_no_wcag_violation(live_server, settings, tmp_path):
    # live_server flushes tables between tests: the grids of the data migration go too.
    call_command("load_funding_grids", stdout=StringIO())
    departement = DepartementFactory()
    project, leader, ars = project_in_state(State.PS_DEPOSE, departement)
    draft, _ = new_project(departement, leader=leader, name="CPTS en projet")
    cpam = institution_user(OrganisationKind.CPAM, departement)
    ars_siege = institution_user(OrganisationKind.ARS, departement)
    admin_of_org = UserFactory(organisation=cpam.organisation, is_organisation_admin=True)
    UserFactory(organisation=cpam.organisation, approval="pending", is_active=False)
    committee = Committee.objects.create(
        kind=CommitteeKind.PS,
        departement=departement,
        meets_at=project.ps_submitted_at,
        place="Salle 1",
        members="ARS\nCPAM",
        created_by=ars,
    )
    committee.projects.add(project)
    aci_project, _, _ = make_aci_project(departement)
    contract = funding.create_contract(aci_project, cpam, members=20)
    to_contract, _, _ = make_aci_project(departement)
    validated_li, li_leader, li_ars = project_in_state(State.LI_VALIDEE, departement)
    association, ps_leader, _ = project_in_state(State.ASSOCIATION_CONSTITUEE, departement)
    signed_project, cpts_leader, signed_ars = make_aci_project(departement)
    signed, _ = signed_contract(
        signed_project, signed_ars, members=30, signed_on=dt.date(2023, 2, 6), cpam=cpam
    )
    demo_avenant_awaiting_signatures(signed, cpam=cpam, leader=cpts_leader)
    evaluation_awaiting_cpam(signed, cpts_leader)  # year 1, for the CPAM to close
    member = roster.add_member(
        signed_project, cpts_leader, kind="professionnel", name="Dr Martin",
        profession="médecin", joined_on=dt.date(2023, 1, 2),
    )  # fmt: skip
    newcomer = UserFactory(is_active=False, last_login=None)
    communes = row_of_communes(departement, 1, population=12_000)
    existing = tmp_path / "existant.csv"
    existing.write_text(
        "nom;departement;communes;etat\n"
        f"CPTS du Lac;{departement.code};{communes[0].insee};ps_valide\n",
        encoding="utf-8-sig",
    )
    today = timezone.localdate().isoformat()

    def url(name, *args):
        return reverse(name, args=args)

    pages = {
        None: [
            url("home"),
            url("login"),
            url("signup"),
            url("signup_done"),
            url("activate", *activation_path(newcomer)),
            url("password_reset"),
            url("password_reset_done"),
            url("password_reset_confirm", "MQ", "lien-perime"),  # the expired-link page
            url("password_reset_complete"),
            url("funding:simulator"),
            url("funding:grids"),
            url("accessibility"),
            url("legal"),
            url("personal_data"),
            url("cookies"),
        ],
        leader: [
            url("projects:list"),
            url("projects:detail", project.pk),
            url("projects:letter", draft.pk),
            url("projects:letter_submit", draft.pk),  # the LI's confirmation page
            url("projects:territory", draft.pk),
            url("projects:messages", project.pk),
            url("projects:attachment_add", project.pk),
            url("projects:acknowledgment", project.pk, "ps"),
            url("projects:invite", project.pk),
            url("projects:invitation", "jeton-de-test"),
            url("projects:create"),
            url("reminders:list"),
            url("password_change"),
            url("password_change_done"),
            # Abandoning is final: the confirmation page.
            _post_form(
                url("projects:action", draft.pk, "abandon"),
                _reason("Le projet ne se fera pas."),
                "Continuer",
                "#confirm-action",
            ),
        ],
        li_leader: [url("projects:association", validated_li.pk)],
        ps_leader: [
            url("projects:health_project", association.pk),
            url("projects:health_project_submit", association.pk),  # the PS's confirmation
        ],
        cpts_leader: [
            url("funding:evaluation", signed.pk, 1),
            url("funding:roster", signed_project.pk),
            url("funding:roster_member", signed_project.pk, member.pk),
        ],
        ars: [
            url("projects:list"),
            url("projects:detail", project.pk),
            url("projects:committees"),
            url("projects:committee_create"),
            url("projects:committee", committee.pk),
            url("projects:committee_close", committee.pk),  # closing is final: its confirmation
            url("projects:action", project.pk, "oppose_ps"),
            url("projects:territories"),
            url("projects:institution_map"),
            url("funding:crises"),
            # A FIR grant is final: its confirmation page.
            _post_form(url("funding:contracts"), _fir, "Enregistrer", "#confirm-grant"),
            # Declaring a crisis is final: its confirmation page.
            _post_form(url("funding:crises"), _crisis, "Déclarer", "#confirm-crisis"),
            _post_form(
                url("projects:action", project.pk, "oppose_ps"),
                _opposition,
                "Continuer",
                "#confirm-action",
            ),
        ],
        li_ars: [
            # Closing a file without follow-up is final: the confirmation page.
            _post_form(
                url("projects:action", validated_li.pk, "close_without_follow_up"),
                _reason("Sans nouvelles des porteurs depuis un an."),
                "Continuer",
                "#confirm-action",
            ),
        ],
        ars_siege: [
            url("funding:reprise"),
            _post_form(
                url("funding:reprise"), _upload(existing), "Vérifier le fichier", "#reprise-preview"
            ),
        ],
        cpam: [
            url("funding:contracts"),
            url("funding:grids"),
            url("funding:contract", contract.pk),
            # A signature, a mission start, a payment are final: their confirmation pages.
            _post_form(
                url("funding:contract", contract.pk),
                _signature,
                "Enregistrer la signature",
                "#confirm-signature",
            ),
            _mission_start(url("funding:contract", signed.pk)),
            _post_form(
                url("funding:payments", signed.pk),
                _payment,
                "Enregistrer le versement",
                "#confirm-payment",
            ),
            url("funding:contract_create", to_contract.pk),
            # A pre-ACI grant is final: its confirmation page.
            _post_form(url("funding:contracts"), _pre_aci, "Accorder", "#confirm-grant"),
            url("funding:contract", signed.pk),
            url("funding:payments", signed.pk),
            url("funding:late_payments"),
            url("funding:results", signed.pk, 1),
            url("funding:termination_preview", signed.pk),
            # Terminating is final: the page with the recovery and the confirmation.
            url("funding:termination_preview", signed.pk) + f"?terminated_on={today}",
            url("funding:evaluation", signed.pk, 1),
            # Closing a year's evaluation is final: its confirmation page.
            _post_form(
                url("funding:evaluation", signed.pk, 1),
                _nothing,
                "Clôturer l'année",
                "#confirm-evaluation-close",
            ),
            # Withdrawing an avenant is final: its confirmation page.
            _post_form(
                url("funding:contract", signed.pk),
                _nothing,
                "Retirer cet avenant",
                "#confirm-withdrawal",
            ),
        ],
        admin_of_org: [url("pending_accounts")],
    }
    visited = set()
    found = {}
    with chromium_page() as page:
        journey = Journey(page, live_server.url)
        # The audit finds what it should: an image without text alternative, an unlabelled field.
        page.set_content(
            '<html lang="fr"><body><main><img src="x.png"><input></main></body></html>'
        )
        assert {"image-alt", "label"} <= {v["rule"] for v in audit(page)}

        def check(who, step):
            if callable(step):
                step(page, live_server.url)
                where = page.url.removeprefix(live_server.url)
            else:
                response = page.goto(live_server.url + step)
                assert response.status == 200, step
                where = step
            visited.add(where.split("?")[0])
            violations = audit(page)
            if violations:
                found[f"{who} {where}"] = violations

        for user, steps in pages.items():
            if user is None:
                page.context.clear_cookies()
            else:
                journey.login(user)
            for step in steps:
                check(user or "anonyme", step)
        # The second factor's page, as an institution's agent logging in with a password meets it.
        settings.CPTS_PASSWORD_2FA = True
        page.context.clear_cookies()
        journey.go(url("login"))
        page.fill("#id_username", cpam.username)
        page.fill("#id_password", PASSWORD)
        page.click("button:has-text('Se connecter')")
        page.wait_for_url(f"**{url('second_factor')}**")
        check(cpam, lambda page, base: None)
    (ARTIFACTS / "accessibility.json").write_text(json.dumps(found, indent=1, ensure_ascii=False))
    assert found == {}, json.dumps(found, indent=1, ensure_ascii=False)
    # Every route is audited or excluded with its reason.
    resolved = set()
    for path in visited:
        match = resolve(path)
        resolved.add(f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name)
    routes = {name for name, _ in url_patterns() if not name.startswith(NOT_AUDITED_PREFIX)}
    assert routes - resolved - set(NOT_AUDITED) == set()
    assert resolved & set(NOT_AUDITED) == set()
    assert set(NOT_AUDITED) <= routes, "a route listed as not audited no longer exists"
