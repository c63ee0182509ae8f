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


class DigestWindow(models.Model):
    """Where a user's last activity digest stopped: the next one starts there, so no event is told
    twice. Moved forward by a conditional UPDATE, the claim that makes a concurrent run skip it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    covered_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id}: {self.covered_until:%Y-%m-%d %H:%M}"


class ScheduledRun(models.Model):
    """One run of a periodic task (name + period key, e.g. "digest" + "2026-11-23"): the unique row is
    the claim that lets any number of schedulers run without enqueuing a run twice."""

    name = models.CharField(max_length=60)
    period = models.CharField(max_length=40)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["name", "period"],
                name="scheduled_run_once",
                violation_error_message=_("Cette exécution périodique a déjà été lancée."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
