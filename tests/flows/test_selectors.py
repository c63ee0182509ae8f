"""The read side of EDI flows: who sees which flow, the search, one flow's items, Rejets EDI."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from openchorus.flows import selectors
from openchorus.flows.enums import FlowChannel, FlowStatus, FlowSyntax, ItemOutcome
from openchorus.structures import access
from openchorus.structures.enums import Level, Space
from openchorus.structures.models import Habilitation, Membership, StructureSpace
from tests.flows.factories import UNREADABLE, FlowFactory, flow_with_items, monitor
from tests.structures.factories import MembershipFactory, ServiceFactory, StructureFactory

pytestmark = pytest.mark.django_db


def test_flows_scope_monitor_sees_own_structure_flows_only():
    mine, other = StructureFactory(), StructureFactory()
    user = monitor(mine)
    own = FlowFactory(structure=mine)
    FlowFactory(structure=other)
    assert list(selectors.flows_for_user(user=user)) == [own]


def test_flows_scope_user_without_space_sees_nothing():
    structure = StructureFactory()
    StructureSpace.objects.create(structure=structure, space=Space.FLOW_MONITORING)
    user = MembershipFactory(structure=structure).user  # a member, no habilitation
    FlowFactory(structure=structure)
    assert not selectors.flows_for_user(user=user).exists()


def test_flows_scope_manager_sees_flows_once_space_opened():
    structure = StructureFactory()
    manager = MembershipFactory(structure=structure, primary=True).user
    flow = FlowFactory(structure=structure)
    assert not selectors.flows_for_user(user=manager).exists()  # space not opened
    StructureSpace.objects.create(structure=structure, space=Space.FLOW_MONITORING)
    assert list(selectors.flows_for_user(user=manager)) == [flow]


def test_flows_scope_service_bound_habilitation_does_not_widen_to_structure():
    structure = StructureFactory()
    service = ServiceFactory(structure=structure)
    user = monitor(structure, service=service)
    flow = FlowFactory(structure=structure)
    assert not selectors.flows_for_user(user=user).exists()
    assert access.flow_visible(user, flow) is False


def test_flows_scope_technical_account_sees_its_structure_flows():
    mine, other = StructureFactory(), StructureFactory()
    actor = access.TechnicalActor(account_id=1, login="TECH_1", structure_id=mine.pk)
    own, foreign = FlowFactory(structure=mine), FlowFactory(structure=other)
    assert list(selectors.flows_for_user(user=actor)) == [own]
    assert access.flow_visible(actor, own) and not access.flow_visible(actor, foreign)
    assert selectors.flow_get_by_number_for_user(user=actor, number=foreign.number) is None
    assert selectors.flow_get_by_number_for_user(user=actor, number=own.number) == own


def test_flow_visible_inactive_membership_refused():
    structure = StructureFactory()
    user = monitor(structure)
    flow = FlowFactory(structure=structure)
    Membership.objects.filter(user=user).update(is_active=False)
    assert access.flow_visible(user, flow) is False


def test_flow_search_newest_first_and_paginated():
    structure = StructureFactory()
    user = monitor(structure)
    flows = [flow_with_items(structure, ago=timedelta(days=n)) for n in range(5)]
    page = selectors.flow_search(user=user, page=1, page_size=2)
    assert page.items == flows[:2] and page.has_next and page.count == 5 and page.last_page == 3
    last = selectors.flow_search(user=user, page=3, page_size=2)
    assert last.items == flows[4:] and not last.has_next and last.count == 5


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        ({"number": "CPP0011100000000000009001"}, "a"),
        ({"number": "9002"}, "b"),  # the end of the number, as printed on a report
        ({"filename": "factures_mars"}, "a"),
        ({"status": FlowStatus.REJECTED}, "b"),
        ({"syntax": FlowSyntax.E1_CII}, "b"),
        ({"channel": FlowChannel.FOLDER}, "b"),
        ({"deposit_date_to": date.today() - timedelta(days=5)}, "b"),
        ({"deposit_date_from": date.today() - timedelta(days=1)}, "a"),
    ],
)
def test_flow_search_criteria_filter(criteria, expected):
    structure = StructureFactory()
    user = monitor(structure)
    a = flow_with_items(structure, number="CPP0011100000000000009001", filename="FSO_factures_mars.xml")
    b = flow_with_items(
        structure,
        integrated=0,
        rejected=2,
        number="CPP0011100000000000009002",
        syntax=FlowSyntax.E1_CII,
        channel=FlowChannel.FOLDER,
        ago=timedelta(days=10),
    )
    found = selectors.flow_search(user=user, criteria=selectors.FlowCriteria(**criteria)).items
    assert found == [{"a": a, "b": b}[expected]]


def test_flow_view_items_filtered_by_outcome_and_counted():
    structure = StructureFactory()
    user = monitor(structure)
    flow = flow_with_items(structure, integrated=4, rejected=3)
    view = selectors.flow_view_for_user(user=user, flow_id=flow.pk, outcome=ItemOutcome.REJECTED, page_size=2)
    assert [i.position for i in view.items.items] == [5, 6]
    assert view.items.count == 3 and view.items.has_next
    assert view.counts == {ItemOutcome.INTEGRATED: 4, ItemOutcome.REJECTED: 3, ItemOutcome.PENDING: 0}
    everything = selectors.flow_view_for_user(user=user, flow_id=flow.pk, outcome="nonsense")
    assert everything.outcome == "" and len(everything.items.items) == 7


def test_flow_view_other_structure_is_none():
    user = monitor(StructureFactory())
    flow = flow_with_items(StructureFactory())
    assert selectors.flow_view_for_user(user=user, flow_id=flow.pk) is None
    assert selectors.flow_get_for_user(user=user, flow_id=flow.pk) is None


def test_flow_steps_partial_flow_all_passed_with_dates():
    flow = flow_with_items(StructureFactory(), integrated=1, rejected=1)
    steps = selectors.flow_steps(flow)
    assert [s.status for s in steps] == [
        FlowStatus.RECEIVED, FlowStatus.QUEUED, FlowStatus.PROCESSING, FlowStatus.PARTIAL
    ]  # fmt: skip
    assert all(s.state == "passed" for s in steps)
    assert steps[0].at == flow.created_at and steps[-1].at == flow.processed_at


def test_flow_steps_processing_flow_current_step():
    flow = FlowFactory(status=FlowStatus.PROCESSING)
    states = [s.state for s in selectors.flow_steps(flow)]
    assert states == ["passed", "passed", "current", "upcoming"]


def test_flow_rejections_items_and_flows_newest_first():
    structure = StructureFactory()
    user = monitor(structure)
    partial = flow_with_items(structure, integrated=2, rejected=1, ago=timedelta(days=3))
    garbage = FlowFactory(structure=structure, garbage=True, status_at=timezone.now() - timedelta(days=1))
    flow_with_items(structure, integrated=3, rejected=0)  # fully integrated: no rejection
    flow_with_items(StructureFactory(), integrated=0, rejected=2)  # another structure's
    page = selectors.flow_rejections(user=user)
    assert [(r.kind, r.flow) for r in page.items] == [("flow", garbage), ("item", partial)]
    assert page.count == 2
    assert page.items[0].errors == [UNREADABLE]
    assert page.items[1].item.position == 3 and page.items[1].errors[0]["rule_id"]


def test_flow_rejections_paginated_across_both_kinds():
    structure = StructureFactory()
    user = monitor(structure, level=Level.EDIT)
    flow_with_items(structure, integrated=0, rejected=3, ago=timedelta(days=2))
    FlowFactory(structure=structure, garbage=True)
    first = selectors.flow_rejections(user=user, page=1, page_size=3)
    second = selectors.flow_rejections(user=user, page=2, page_size=3)
    assert first.has_next and first.count == 5  # 3 items + their rejected flow + the garbage flow
    assert len(first.items) == 3 and len(second.items) == 2 and not second.has_next


def test_flow_rejections_user_without_space_empty():
    structure = StructureFactory()
    user = MembershipFactory(structure=structure).user
    Habilitation.objects.create(user=user, structure=structure, space=Space.SENT_INVOICES, level=Level.EDIT)
    flow_with_items(structure, integrated=0, rejected=2)
    assert selectors.flow_rejections(user=user).items == []
