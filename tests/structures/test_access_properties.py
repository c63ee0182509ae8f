"""Property: access.py never grants a right that SPEC ORG-7..10 denies (and grants what they give).

Hypothesis builds random organisations — structures public or private, opened spaces, members with
random roles (structure- or service-level), random habilitations, some accounts deactivated — and
every (user, structure, space) answer of access.py is compared with an oracle written from the spec.
"""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from openchorus.accounts.enums import AccountStatus
from openchorus.structures import access
from openchorus.structures.enums import (
    DEFAULT_SPACES,
    OPENABLE_SPACES,
    PUBLIC_ONLY_SPACES,
    Level,
    Role,
    Space,
)
from openchorus.structures.models import Habilitation, Membership, StructureService, StructureSpace
from tests.factories import UserFactory
from tests.structures.factories import StructureFactory

GRANTABLE = [s for s in Space if s not in {Space.MANAGER_ACTIVITIES, Space.ACCOUNT}]

organisation = st.fixed_dictionaries(
    {
        "structures": st.lists(
            st.fixed_dictionaries(
                {"public": st.booleans(), "opened": st.sets(st.sampled_from(OPENABLE_SPACES), max_size=4)}
            ),
            min_size=1,
            max_size=3,
        ),
        "users": st.lists(st.booleans(), min_size=1, max_size=4),  # account active?
        "memberships": st.lists(
            st.tuples(
                st.integers(0, 3),
                st.integers(0, 2),
                st.sampled_from([Role.SECONDARY_MANAGER, Role.USER, "SERVICE"]),
                st.booleans(),
            ),
            max_size=8,
        ),
        "primaries": st.lists(st.integers(0, 3), min_size=3, max_size=3),
        "habilitations": st.lists(
            st.tuples(
                st.integers(0, 3),
                st.integers(0, 2),
                st.booleans(),
                st.sampled_from(GRANTABLE),
                st.sampled_from(list(Level)),
            ),
            max_size=10,
        ),
    }
)


def oracle(user, structure, space, *, members, services_of, habs, opened, primary_of):
    """Straight from SPEC ORG-7..10; returns (administers, is_primary, grant or None)."""
    if user.status != AccountStatus.ACTIVE or not members.get((user.pk, structure.pk)):
        return False, False, None
    rows = members[(user.pk, structure.pk)]
    manager = any(
        service is None and role in (Role.PRIMARY_MANAGER, Role.SECONDARY_MANAGER) for service, role in rows
    )
    mine = [h for h in habs if h[0] == user.pk and h[1] == structure.pk]
    org_edit = any(h[3] == Space.ORGANISATION and h[4] == Level.EDIT and h[2] is None for h in mine)
    available = set(DEFAULT_SPACES) | opened[structure.pk]
    if not structure.is_public:
        available -= PUBLIC_ONLY_SPACES
    is_primary = primary_of.get(structure.pk) == user.pk
    if space not in available:
        return manager or org_edit, is_primary, None
    if manager:
        return True, is_primary, (Level.EDIT, None)
    on_space = [h for h in mine if h[3] == space]
    if not on_space:
        return org_edit, is_primary, None
    level = Level.EDIT if any(h[4] == Level.EDIT for h in on_space) else Level.VIEW
    services = None if any(h[2] is None for h in on_space) else {h[2] for h in on_space}
    return org_edit, is_primary, (level, services)


class AccessPropertyTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(organisation)
    def test_access_matches_the_spec_oracle_for_every_user_structure_space(self, data):
        structures = [StructureFactory(public=s["public"]) for s in data["structures"]]
        services_of = {
            s.pk: [
                StructureService.objects.create(
                    structure=s, code=f"S{i}", label=f"S{i}", start_date=date(2020, 1, 1)
                )
                for i in range(2)
            ]
            for s in structures
        }
        opened = {}
        for structure, spec in zip(structures, data["structures"], strict=True):
            spaces = {sp for sp in spec["opened"] if structure.is_public or sp not in PUBLIC_ONLY_SPACES}
            for space in spaces:
                StructureSpace.objects.create(structure=structure, space=space)
            opened[structure.pk] = spaces
        users = [
            UserFactory(status=AccountStatus.ACTIVE if active else AccountStatus.DEACTIVATED)
            for active in data["users"]
        ]
        members: dict[tuple[int, int], list] = {}
        primary_of = {}
        for index, structure in enumerate(structures):
            user = users[data["primaries"][index] % len(users)]
            Membership.objects.create(user=user, structure=structure, role=Role.PRIMARY_MANAGER)
            members.setdefault((user.pk, structure.pk), []).append((None, Role.PRIMARY_MANAGER))
            primary_of[structure.pk] = user.pk
        for u, s, role, second_service in data["memberships"]:
            user, structure = users[u % len(users)], structures[s % len(structures)]
            service = services_of[structure.pk][int(second_service)] if role == "SERVICE" else None
            role = Role.USER if role == "SERVICE" else role
            key = (user.pk, structure.pk)
            if any(
                existing_service == (service.pk if service else None)
                for existing_service, _ in members.get(key, [])
            ):
                continue
            Membership.objects.create(user=user, structure=structure, service=service, role=role)
            members.setdefault(key, []).append((service.pk if service else None, role))
        habs = []
        seen = set()
        for u, s, with_service, space, level in data["habilitations"]:
            user, structure = users[u % len(users)], structures[s % len(structures)]
            service = services_of[structure.pk][0] if with_service and space != Space.ORGANISATION else None
            key = (user.pk, structure.pk, service.pk if service else None, space)
            if key in seen:
                continue
            seen.add(key)
            Habilitation.objects.create(
                user=user, structure=structure, service=service, space=space, level=level
            )
            habs.append((user.pk, structure.pk, service.pk if service else None, space, level))

        for user in users:
            for structure in structures:
                abilities = access.structure_abilities(user, structure)
                for space in GRANTABLE:
                    administers, is_primary, expected = oracle(
                        user,
                        structure,
                        space,
                        members=members,
                        services_of=services_of,
                        habs=habs,
                        opened=opened,
                        primary_of=primary_of,
                    )
                    grant = access.space_grant(user, structure, space)
                    actual = None if grant is None else (grant.level, grant.services)
                    assert actual == expected, (user.pk, structure.pk, space, actual, expected)
                assert abilities["modify"] == administers
                assert abilities["decide_requests"] == administers
                assert abilities["transfer_primary"] == (is_primary and user.status == AccountStatus.ACTIVE)
