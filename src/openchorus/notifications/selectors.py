"""Reads of the notifications app, scoped by the user."""

from __future__ import annotations

from openchorus.notifications.models import FeedEvent


def feed_events_for_user(*, user, limit: int = 10) -> list[FeedEvent]:
    return list(FeedEvent.objects.filter(user=user)[:limit])
