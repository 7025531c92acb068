"""Who may act on a project: role and territory. Used by transitions, views, API and admin."""

from accounts.models import ARS_KINDS, ASSURANCE_MALADIE_KINDS, OrganisationKind


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_leader(project, user) -> bool:
    if not _active(user):
        return False
    # Asked several times per page (view, transition permissions, thread): once per instance.
    known = project.__dict__.setdefault("_leaders_checked", {})
    if user.pk not in known:
        # A page that lists the members has prefetched them: no query then.
        members = getattr(project, "_prefetched_objects_cache", {}).get("members")
        if members is not None:
            known[user.pk] = any(m.user_id == user.pk for m in members)
        else:
            known[user.pk] = project.members.filter(user=user).exists()
    return known[user.pk]


def _institution_covers(project, user, kinds) -> bool:
    if not _active(user) or user.organisation_id is None:
        return False
    org = user.organisation
    return org.kind in kinds and org.covers(project.departement)


def is_ars_of(project, user) -> bool:
    return _institution_covers(project, user, ARS_KINDS)


def is_assurance_maladie_of(project, user) -> bool:
    return _institution_covers(project, user, ASSURANCE_MALADIE_KINDS)


def is_urps_of(project, user) -> bool:
    return _institution_covers(project, user, {OrganisationKind.URPS})


def can_view(project, user) -> bool:
    if not _active(user):
        return False
    return user.is_superuser or reads_journal(project, user)


def reads_journal(project, user) -> bool:
    """The project's journal: for its leaders and the institutions of its territory."""
    return (
        is_leader(project, user)
        or is_ars_of(project, user)
        or is_assurance_maladie_of(project, user)
        or is_urps_of(project, user)
    )


def is_system(project, user) -> bool:
    """Only the scheduler (no person) applies the implicit validation."""
    return user is None


def ars_or_assurance_maladie(project, user) -> bool:
    return is_ars_of(project, user) or is_assurance_maladie_of(project, user)


def contract_party(project, user) -> bool:
    """Whoever may record one of the ACI contract's three signatures (the third one moves the
    project to "ACI signé"): its leaders, the Assurance Maladie and the ARS of the territory;
    for a contract brought in already signed (reprise de l'existant), the system or an
    administrator. The transition's condition still asks for the signed contract."""
    if user is None:
        return True
    return user.is_superuser or is_leader(project, user) or ars_or_assurance_maladie(project, user)
