"""The data migration: each opinion of the old single-slot shape becomes the opinion of the
organisation that gave it, and the user representative a named member."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("projects", "0009_drop_event_notice")]


def migrate(targets=None):
    """Migrate `projects` to the targets (None: every app to its latest, as the other tests
    expect the database); the models of every app as they are then."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    leaves = executor.loader.graph.leaf_nodes()
    targets = targets or leaves
    executor.migrate(targets)
    # The models as the database now has them: the other apps at their latest, but those whose
    # latest needs later `projects` migrations (funding's does): they were rolled back.
    graph, done = executor.loader.graph, set()
    for target in targets:
        done |= set(graph.forwards_plan(target))
    apps = {app for app, _ in targets}
    others = [
        leaf
        for leaf in leaves
        if leaf[0] not in apps
        and all(n[0] not in apps or n in done for n in graph.forwards_plan(leaf))
    ]
    return executor.loader.project_state(others + targets).apps


def test_old_opinions_go_to_the_seat_of_their_organisation():
    old = migrate(BEFORE)
    region = old.get_model("territories", "Region").objects.create(code="98", name="R")
    dept = old.get_model("territories", "Departement").objects.create(
        code="98A", name="D", region=region
    )
    Organisation = old.get_model("accounts", "Organisation")
    urps = Organisation.objects.create(kind="urps", name="URPS infirmiers", region=region)
    ars = Organisation.objects.create(kind="ars_dd", name="ARS DD", departement=dept)
    User = old.get_model("accounts", "User")
    nurse = User.objects.create(username="urps", organisation=urps)
    agent = User.objects.create(username="ars", organisation=ars)
    project = old.get_model("projects", "Project").objects.create(
        name="CPTS", departement=dept, state="ps_depose"
    )
    committee = old.get_model("projects", "Committee").objects.create(
        kind="ps",
        departement=dept,
        meets_at=dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC),
        place="Salle",
        members="ARS\nURPS",
        user_representative="France Assos Santé",
        created_by=agent,
    )
    committee.projects.add(project)
    Opinion = old.get_model("projects", "Opinion")
    at = dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC)
    common = {"committee": committee, "project": project, "recorded_at": at}
    Opinion.objects.create(
        **common, institution="urps", value="favorable", author=nurse, organisation=urps
    )
    Opinion.objects.create(
        **common, institution="usagers", value="reserves", author=agent, organisation=ars
    )

    new = migrate()
    Member = new.get_model("projects", "CommitteeMember")
    seats = {m.seat: m for m in Member.objects.filter(committee_id=committee.pk)}
    assert seats["organisation"].organisation_id == urps.pk
    assert seats["usagers"].name == "France Assos Santé"
    assert "à confirmer" in seats["usagers"].quality
    opinions = new.get_model("projects", "Opinion").objects.order_by("pk")
    assert [(o.member_id, o.value) for o in opinions] == [
        (seats["organisation"].pk, "favorable"),
        (seats["usagers"].pk, "reserves"),
    ]
    assert new.get_model("projects", "Committee").objects.get().members == "ARS\nURPS"


def test_a_committee_out_of_the_window_is_named_before_the_constraint():
    old = migrate(BEFORE)
    region = old.get_model("territories", "Region").objects.create(code="97", name="R")
    dept = old.get_model("territories", "Departement").objects.create(
        code="97A", name="D", region=region
    )
    agent = old.get_model("accounts", "User").objects.create(username="ars")
    wrong = old.get_model("projects", "Committee").objects.create(
        kind="li",
        departement=dept,
        meets_at=dt.datetime(1, 1, 2, tzinfo=dt.UTC),
        place="Salle",
        created_by=agent,
    )
    with pytest.raises(RuntimeError, match=f"hors du 1er janvier 2019.*: {wrong.pk}\\."):
        migrate()
    wrong.meets_at = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    wrong.save()
    migrate()  # corrected: it runs, and leaves the database as the other tests expect it
