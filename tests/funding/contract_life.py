"""A signed contract in its third year (signed on 6 February 2023, taille 2, avenant 2 grid),
with the parcours mission started at signature and one negotiated indicator: years 1 to 3 can
be evaluated today. Shared by the evaluation, payment and contract-life tests."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from funding import services
from tests.world import MINIMAL_PDF, make_aci_project, signed_contract

SIGNED = dt.date(2023, 2, 6)


@dataclass
class Life:
    contract: object
    cpam: object
    ars: object
    leader: object
    indicator: object


def report_pdf(name="rapport.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


def contract_in_life(departement=None) -> Life:
    project, leader, ars = make_aci_project(departement)
    contract, cpam = signed_contract(project, ars, members=30, signed_on=SIGNED)
    services.start_mission(contract, cpam, "parcours", SIGNED)
    parcours = contract.missions.get(mission="parcours")
    indicator = services.add_indicator(
        parcours,
        cpam,
        label="Patients inclus",
        thresholds=[("socle", 50, "0.25"), ("intermédiaire", 70, "0.6"), ("objectif", 90, 1)],
    )
    return Life(contract, cpam, ars, leader, indicator)


def full_declaration(life, value="75"):
    """Everything a submission needs: the indicator's value, spending on every mission."""
    from funding.evaluations import spending_missions

    missions = spending_missions(life.contract)
    return {"values": {life.indicator: value}, "spending": dict.fromkeys(missions, "1000.50")}


def close_year(contract, leader, cpam, year, values):
    """The one way results are written: the CPTS declares `values` {Indicator: value} with
    spending on every mission and its report, submits; the CPAM closes the year."""
    from funding import evaluations
    from funding.evaluations import spending_missions

    spending = dict.fromkeys(spending_missions(contract), "1000")
    evaluations.save_evaluation(
        contract, leader, year, values=values, spending=spending, report=report_pdf()
    )
    evaluations.submit_evaluation(contract, leader, year)
    return evaluations.close_evaluation(contract, cpam, year)
