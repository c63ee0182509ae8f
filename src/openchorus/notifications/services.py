"""Writes of the notifications app."""

from __future__ import annotations

from openchorus.notifications.enums import FeedEventKind
from openchorus.notifications.models import FeedEvent


def feed_event_add(*, user, kind: FeedEventKind, link: str = "", **params: str) -> FeedEvent:
    """An entry in a user's event feed; `params` fill the message's %(name)s fields when displayed."""
    return FeedEvent.objects.create(
        user=user, kind=kind, link=link, params={k: str(v) for k, v in params.items()}
    )
