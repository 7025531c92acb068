import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db
CODES = {
    "fonctionnement",
    "fonctionnement_additionnel",
    "acces_soins",
    "snp_compensation",
    "snp_dispositif",
    "parcours",
    "prevention",
    "crise_sanitaire",
    "qualite",
    "accompagnement",
    "majoration_taille4",
}


def _run(*args):
    out = StringIO()
    call_command("funding_simulate", *args, stdout=out)
    return out.getvalue()


def test_json_shape_and_total():
    payload = json.loads(
        _run(
            "--size=4",
            "--members=120",
            "--signature-date=2022-06-01",
            "--optional=qualite,accompagnement",
            "--snp-dispositif",
            "--crisis",
            "--json",
        )
    )
    assert set(payload) == {"grid", "size", "lines", "total"}
    assert payload["grid"] == "avenant_2" and payload["size"] == 4
    for line in payload["lines"]:
        assert set(line) == {"mission", "part", "amount"}
        assert line["part"] in {"fixed", "variable", "one_off"}
        assert isinstance(line["amount"], str) and Decimal(line["amount"]) >= 0
    assert {line["mission"] for line in payload["lines"]} == CODES
    assert Decimal(payload["total"]) == sum(Decimal(x["amount"]) for x in payload["lines"])
    assert payload["total"] == "696500.00"


def test_without_crisis_the_crisis_variable_part_is_zero():
    payload = json.loads(_run("--size=2", "--members=10", "--signature-date=2023-02-01", "--json"))
    crisis = [x for x in payload["lines"] if x["mission"] == "crise_sanitaire"]
    assert {x["part"]: x["amount"] for x in crisis} == {"fixed": "17500.00", "variable": "0.00"}
    # 60 000 + accès 55 000 (without the SNP dispositif) + 70 000 + 30 000 + crisis fixed 17 500
    assert payload["total"] == "232500.00"


def test_aci_2019_before_avenant_2():
    payload = json.loads(
        _run(
            "--size=1",
            "--members=10",
            "--signature-date=2020-03-02",
            "--optional=qualite,accompagnement",
            "--json",
        )
    )
    assert payload["grid"] == "aci_2019" and payload["total"] == "185000.00"


def test_text_output_flags_cells_to_confirm():
    text = _run("--size=3", "--members=10", "--signature-date=2023-02-01")
    assert "avenant_2" in text and "(à confirmer)" in text and "Total" in text


def test_errors():
    with pytest.raises(CommandError):
        _run("--size=2", "--members=1", "--signature-date=2019-01-01")
    with pytest.raises(CommandError):
        _run("--size=2", "--members=1", "--signature-date=2023-01-01", "--optional=golf")
