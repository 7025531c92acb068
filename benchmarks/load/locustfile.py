"""The people of `run.py` at work: each simulated person is one account with its own session.

Read by locust (`run.py` starts it headless): BENCH_LOAD_USERS names the JSON file of people
(role, session cookie, the projects, committees and contracts they work on). Every request is
named by its kind of page, so that locust's percentiles are per kind. Writes go through the
real forms (CSRF token from the page, then POST); a write answered by anything but its redirect
counts as an error, as does any page that is not a 200.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, events, task

PEOPLE = json.loads(Path(os.environ["BENCH_LOAD_USERS"]).read_text())
NEXT = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SORTS = ("name", "-name", "ps_deadline", "-ps_deadline", "population", "state")
STATES = ("li_depose", "ps_depose", "ps_valide", "aci_preparation", "aci_signe")


@events.test_start.add_listener
def loopback_only(environment, **kwargs):
    if not (environment.host or "").startswith("http://127.0.0.1:"):
        raise SystemExit("This benchmark targets 127.0.0.1 only.")


class Person(HttpUser):
    wait_time = between(5, 15)  # reading the page, typing, thinking

    def on_start(self):
        self.me = PEOPLE[next(NEXT) % len(PEOPLE)]
        self.client.cookies.set("sessionid", self.me["session"])

    # --- helpers ----------------------------------------------------------------------------

    def page(self, url, name):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} on {url}")
            return response

    def write(self, form_url, name, data):
        """GET the form (a page of its own kind), then POST it; success is the redirect."""
        form = self.page(form_url, f"{name} (form)")
        token = CSRF.search(form.text or "")
        if not token:
            return
        data = {"csrfmiddlewaretoken": token.group(1), **data}
        with self.client.post(
            form_url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} on POST {form_url}")

    def project(self):
        return random.choice(self.me["projects"])

    # --- what everybody does ------------------------------------------------------------------

    @task(6)
    def dashboard(self):
        self.page("/projets/", "dashboard")

    @task(6)
    def dashboard_filtered(self):
        params = random.choice(
            [
                {"sort": random.choice(SORTS), "page": random.randint(1, 5)},
                {"state": random.choice(STATES)},
                {"deadline_within": random.choice((15, 30, 60))},
                {"hand": random.choice(("porteurs", "ars", "ars_am"))},
                {"name": random.choice(("CPTS 0", "CPTS 1", "12"))},
            ]
        )
        if self.me.get("departements") and random.random() < 0.3:
            params["departement"] = random.choice(self.me["departements"])
        query = "&".join(f"{k}={v}" for k, v in params.items())
        self.page(f"/projets/?{query}", "dashboard (filters, sort, page)")

    @task(8)
    def project_page(self):
        self.page(f"/projets/{self.project()}/", "project page")

    @task(2)
    def deadlines(self):
        # Mostly the first page (the overdue first); sometimes the next one or another horizon.
        query = random.choice(("", "", "?page=2", "?horizon=365", "?horizon=30&page=2"))
        self.page(f"/echeances/{query}", "deadlines (/echeances/)")

    @task(1)
    def committees(self):
        self.page("/projets/comites/", "committee list")

    # --- institutions --------------------------------------------------------------------------

    @task(3)
    def committee_page(self):
        if self.me.get("committees"):
            self.page(f"/projets/comites/{random.choice(self.me['committees'])}/", "committee page")

    @task(3)
    def contract_page(self):
        if self.me.get("contracts"):
            pk = random.choice(self.me["contracts"])
            self.page(f"/financement/contrats/{pk}/", "contract page")

    @task(1)
    def map(self):
        if self.me["role"] != "leader":
            self.page("/projets/territoires/carte/", "map")

    @task(2)
    def opinion(self):
        """An institution gives its opinion on a project on a committee's agenda."""
        if not self.me.get("committees"):
            return
        pk = random.choice(self.me["committees"])
        page = self.page(f"/projets/comites/{pk}/", "committee page")
        match = re.search(rf"/projets/comites/{pk}/avis/(\d+)/", page.text or "")
        token = CSRF.search(page.text or "")
        if not (match and token):
            return
        project, institution = match.group(1), INSTITUTION[self.me["role"]]
        with self.client.post(
            match.group(0),
            data={
                "csrfmiddlewaretoken": token.group(1),
                f"p{project}-institution": institution,
                f"p{project}-value": random.choice(("favorable", "reserves", "defavorable")),
                f"p{project}-comment": "Avis rendu pendant le banc d'essai.",
            },
            name="write: opinion",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"{response.status_code} on opinion")

    @task(1)
    def evaluation(self):
        """Indicator results are written in the yearly evaluation only: the CPTS's leaders
        fill it in (year 4, ended some eleven months ago), the CPAM reads it before closing it."""
        if not self.me.get("contracts") or self.me["role"] not in ("leader", "cpam"):
            return
        url = f"/financement/contrats/{random.choice(self.me['contracts'])}/evaluations/4/"
        form = self.page(url, "write: evaluation (form)")
        if self.me["role"] != "leader":
            return
        fields = re.findall(r'name="((?:ind|dep)_[\w-]+)"', form.text or "")
        token = CSRF.search(form.text or "")
        if not token or not fields:
            return
        data = {"csrfmiddlewaretoken": token.group(1)}
        data.update({f: str(random.randint(5, 30)) for f in fields})
        with self.client.post(
            url, data=data, name="write: evaluation", allow_redirects=False,
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 302:
                response.failure(f"{response.status_code} on evaluation")

    # --- leaders and the ARS: the thread; leaders: their lettre d'intention --------------------

    @task(2)
    def message(self):
        if self.me["role"] not in ("leader", "ars_dd", "ars"):
            return
        self.write(
            f"/projets/{self.project()}/messages/",
            "write: message",
            {"body": "Point d'étape : les pièces suivent cette semaine."},
        )

    @task(2)
    def letter(self):
        if not self.me.get("editable"):
            return
        text = "Texte de la lettre d'intention, version du banc d'essai."
        self.write(
            f"/projets/{self.me['editable'][0]}/lettre-intention/",
            "write: LI draft",
            dict.fromkeys(("territory", "diagnostic", "actors", "orientations", "calendar"), text),
        )


INSTITUTION = {"ars_dd": "ars", "ars": "ars", "cpam": "cpam", "urps": "urps"}
