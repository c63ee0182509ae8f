"""The event feed (fil d'événements) of the connected home."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from openchorus.notifications.enums import FeedEventKind


class FeedEvent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_events")
    kind = models.CharField(_("type"), max_length=40, choices=FeedEventKind.choices)
    link = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)  # values for the message's %(name)s fields
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="feed_user_recent")]

    def __str__(self) -> str:
        return str(self.message)

    @property
    def message(self) -> str:
        label = str(FeedEventKind(self.kind).label)
        return label % self.params if self.params else label
