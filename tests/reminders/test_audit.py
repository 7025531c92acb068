"""The private calendar address: created and renewed by a POST, journaled without its secret."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from reminders.models import CalendarFeed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_feed_creation_and_renewal_are_journaled_without_the_secret(client):
    person = UserFactory()
    client.force_login(person)
    client.get(reverse("reminders:list"))
    assert not AuditEntry.objects.filter(action="reminders.feed").exists()
    client.post(reverse("reminders:regenerate_feed"))
    first = CalendarFeed.objects.get(user=person).secret
    client.post(reverse("reminders:regenerate_feed"))
    feed = CalendarFeed.objects.get(user=person)
    created, renewed = AuditEntry.objects.filter(action="reminders.feed").order_by("pk")
    assert created.label == "Adresse privée du calendrier créée"
    assert renewed.label.startswith("Adresse privée du calendrier renouvelée")
    assert {created.actor, renewed.actor} == {person}
    assert {created.target_id, renewed.target_id} == {feed.pk}
    for entry in (created, renewed):
        assert first not in str(entry.__dict__) and feed.secret not in str(entry.__dict__)
