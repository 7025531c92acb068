"""Existing committees: their user representative becomes a member, and each opinion is filed
under the seat of the organisation that gave it (before, one slot per institution: the last
URPS to speak had overwritten the others; its opinion is now that URPS's)."""

import datetime as dt

from django.db import migrations
from django.db.models import F, Q

LABELS = {"ars": "ARS", "cpam": "CPAM", "msa": "MSA", "urps": "URPS"}


def seat_of(opinion, member_model):
    committee_id = opinion.committee_id
    if opinion.institution == "usagers":
        seat, _ = member_model.objects.get_or_create(
            committee_id=committee_id,
            seat="usagers",
            defaults={"name": "Représentant des usagers (nom à compléter)"},
        )
        return seat
    organisation_id = opinion.organisation_id or opinion.author.organisation_id
    if organisation_id:
        seat, _ = member_model.objects.get_or_create(
            committee_id=committee_id,
            organisation_id=organisation_id,
            defaults={"seat": "organisation"},
        )
        return seat
    seat, _ = member_model.objects.get_or_create(
        committee_id=committee_id,
        seat="invite",
        name=f"{LABELS.get(opinion.institution, opinion.institution)} (organisation à préciser)",
    )
    return seat


def check_dates(committee_model):
    """The next migration bounds the meeting dates: name the committees outside them (a date
    typed wrong, year 1 or 9999) rather than fail on a bare constraint error."""
    earliest = dt.datetime(2018, 12, 31, 23, tzinfo=dt.UTC)  # 1 January 2019, Paris
    wrong = committee_model.objects.filter(
        Q(meets_at__lt=earliest) | Q(meets_at__gt=F("created_at") + dt.timedelta(days=731))
    )
    if wrong.exists():
        ids = ", ".join(str(pk) for pk in wrong.values_list("pk", flat=True)[:50])
        raise RuntimeError(
            f"Comités à une date hors du 1er janvier 2019 – deux ans après leur convocation : "
            f"{ids}. Corrigez leur date (meets_at) puis relancez la migration."
        )


def forwards(apps, schema_editor):
    Committee = apps.get_model("projects", "Committee")
    check_dates(Committee)
    Member = apps.get_model("projects", "CommitteeMember")
    Opinion = apps.get_model("projects", "Opinion")
    for committee in Committee.objects.exclude(user_representative=""):
        Member.objects.create(
            committee=committee,
            seat="usagers",
            name=committee.user_representative.strip()[:200],
            quality="à confirmer (saisi avant la liste des membres)",
        )
    for opinion in Opinion.objects.select_related("author").order_by("pk"):
        opinion.member = seat_of(opinion, Member)
        opinion.save(update_fields=["member"])


def backwards(apps, schema_editor):
    Committee = apps.get_model("projects", "Committee")
    Member = apps.get_model("projects", "CommitteeMember")
    for member in Member.objects.filter(seat="usagers"):
        Committee.objects.filter(pk=member.committee_id).update(user_representative=member.name)


class Migration(migrations.Migration):
    dependencies = [
        ('projects', '0013_committee_members_and_opinion_history'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
