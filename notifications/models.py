"""Stored data of the notifications service: the log of every e-mail, which is also its outbox.

A row is written (status `queued`) before any task is queued, with the rendered message, so an
e-mail acknowledged to a caller can always be sent, resent and audited.
"""

from django.db import models


class EmailMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    order_id = models.CharField(max_length=64, blank=True, db_index=True)
    # One message per purpose, e.g. "order-confirmation:<order id>".
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # While `sending`: no other delivery may start before this instant (a crashed sender's
    # claim expires, and a redelivered task then picks the message up).
    lease_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "e-mail"

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient} ({self.status})"
