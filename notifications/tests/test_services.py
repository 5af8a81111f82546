"""The confirmation e-mail: recorded once, delivered once to a real SMTP server, retried."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import services, tasks
from notifications.models import EmailMessage

from .conftest import sample_order

pytestmark = pytest.mark.django_db

ORDER_URL = "http://shop.test/order/6b0a4f6c?token=abc"
MESSAGES = EmailMessage._meta.db_table


def confirm(**overrides):
    arguments = dict(email="ada@example.com", order=sample_order(), order_url=ORDER_URL)
    return services.order_confirmation_send(**(arguments | overrides))


def test_the_confirmation_arrives_with_text_and_html(
    smtp_settings, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = confirm()
    (received,) = smtp_settings.wait_for(1)
    assert received["To"] == "ada@example.com"
    assert received["Subject"] == f"Your Boutique order {sample_order().order_id} is confirmed"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    for body in (text, html):
        assert sample_order().order_id in body and "QK-1234567-8901234" in body
        assert "Sunglasses" in body and "GONE000000" in body  # a vanished product shows its id
        assert "35,36\xa0€" in body and "7,95\xa0€" in body and "44,31\xa0€" in body
        assert "1 Main St" in body and "Springfield" in body
    assert ORDER_URL in text and f'href="{ORDER_URL}"' in html
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.SENT and message.attempts == 1
    assert message.sent_at is not None


def test_one_confirmation_per_order(catalog, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        first = confirm()
        second = confirm(email="other@example.com")
    assert first.pk == second.pk and EmailMessage.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_confirmation_is_looked_for_once_then_inserted(catalog):
    with CaptureQueriesContext(connection) as queries:
        confirm()
    emails = [q["sql"].split()[0] for q in queries.captured_queries if MESSAGES in q["sql"]]
    assert emails == ["SELECT", "INSERT"]


def test_a_confirmation_recorded_meanwhile_is_the_one_answered(
    catalog, django_capture_on_commit_callbacks, mailoutbox
):
    """Another request recorded the order's message between this one's look and its insert: the
    insert is refused by the unique key, and the message recorded first is the answer."""
    with django_capture_on_commit_callbacks(execute=True):
        first = confirm()
    fields = {"recipient": "other@example.com", "subject": "s", "body_text": "t", "body_html": "h"}
    with django_capture_on_commit_callbacks(execute=True):
        again = services._message_record(key=first.idempotency_key, **fields)
    assert again.pk == first.pk and again.recipient == "ada@example.com"
    assert EmailMessage.objects.count() == 1 and len(mailoutbox) == 1


def test_a_redelivered_task_never_sends_twice(
    catalog, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        message = confirm()
    tasks.email_send.delay(message.pk)  # as a broker redelivering the same task would
    assert services.email_deliver(message_id=message.pk) is False
    assert len(mailoutbox) == 1


def test_a_message_being_sent_elsewhere_is_not_sent_again(catalog, mailoutbox):
    message = confirm()
    claimed = services._email_claim(message_id=message.pk)
    assert claimed.status == EmailMessage.Status.SENDING
    assert services.email_deliver(message_id=message.pk) is False
    assert mailoutbox == []


def test_failed_attempts_are_counted_then_the_message_is_marked_failed(settings, catalog):
    from testing.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_MAX_ATTEMPTS = 3
    message = confirm()
    outcomes = [services.email_deliver(message_id=message.pk) for _ in range(3)]
    assert outcomes == [True, True, False]  # retry, retry, give up
    message.refresh_from_db()
    assert message.status == EmailMessage.Status.FAILED and message.attempts == 3
    assert "Connection refused" in message.last_error
    assert services.email_deliver(message_id=message.pk) is False  # failed stays failed


def test_resend_sends_again(catalog, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=True):
        message = confirm()
    with django_capture_on_commit_callbacks(execute=True):
        services.email_resend(message_id=message.pk)
    assert len(mailoutbox) == 2


def test_bad_input_is_refused(catalog):
    from dataclasses import replace

    from shop.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="not a valid e-mail"):
        confirm(email="nobody")
    with pytest.raises(InvalidArgument, match="no id"):
        confirm(order=replace(sample_order(), order_id=" "))
    assert not EmailMessage.objects.exists()


def test_stale_messages_are_found_for_requeueing(catalog):
    from datetime import timedelta

    from django.utils import timezone

    message = confirm()
    EmailMessage.objects.filter(pk=message.pk).update(
        updated_at=timezone.now() - timedelta(hours=1)
    )
    assert services.emails_stale(older_than=timedelta(minutes=10)) == [message.pk]
