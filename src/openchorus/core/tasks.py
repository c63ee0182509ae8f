"""Background delivery of e-mails, so that a slow mail server never slows a page."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django_tasks import task


@task()
def email_send(*, to: list[str], subject: str, body: str, html: str = "") -> None:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


def email_send_on_commit(*, to: list[str], subject: str, body: str, html: str = "") -> None:
    """Queue an e-mail once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: email_send.enqueue(to=to, subject=subject, body=body, html=html))
