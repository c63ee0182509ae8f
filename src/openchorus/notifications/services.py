"""Writes of the notifications app."""

from __future__ import annotations

from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.models import FeedEvent


def feed_event_add(*, user, kind: FeedEventKind, link: str = "") -> FeedEvent:
    return FeedEvent.objects.create(user=user, kind=kind, link=link)
