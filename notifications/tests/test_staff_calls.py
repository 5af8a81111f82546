"""What staff ask of the Email service beyond the original's protocol, through both clients (in
process and over boutique.EmailAdminService): resend an order's confirmation, and the delivery
figures of the sales dashboard."""

from __future__ import annotations

from datetime import timedelta

import grpc
import pytest
from django.utils import timezone

from notifications.client import GrpcEmailClient
from notifications.local import LocalEmailClient
from notifications.models import EmailMessage
from shop.dto import DeliveryDay
from shop.rpc.protos import boutique_notifications_pb2 as admin_pb
from shop.rpc.protos import boutique_notifications_pb2_grpc as admin_pb_grpc

from .conftest import sample_order

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["local", "grpc"])
def email(request):
    if request.param == "local":
        return LocalEmailClient()
    return GrpcEmailClient(request.getfixturevalue("grpc_server")("notifications"))


def test_resend_sends_the_recorded_confirmation_again(email, mailoutbox):
    order = sample_order()
    email.send_order_confirmation("ada@example.com", order, order_url="http://shop.test/o/1")
    email.send_order_confirmation("ada@example.com", order)  # idempotent: nothing new
    assert len(mailoutbox) == 1
    email.resend_order_confirmation("ada@example.com", order)
    email.resend_order_confirmation("ada@example.com", order)
    assert len(mailoutbox) == 3 and EmailMessage.objects.count() == 1
    assert all("http://shop.test/o/1" in message.body for message in mailoutbox)


def test_resend_of_a_confirmation_never_recorded_sends_it_once(email, mailoutbox):
    email.resend_order_confirmation("ada@example.com", sample_order(), order_url="http://x.test/")
    (message,) = mailoutbox
    assert "http://x.test/" in message.body
    assert EmailMessage.objects.get().status == EmailMessage.Status.SENT


def test_the_delivery_report_counts_sent_and_failed_per_day(email):
    today = timezone.localdate()

    def record(status: str, days_ago: int) -> None:
        message = EmailMessage.objects.create(
            recipient="ada@example.com", subject="s", body_text="t", body_html="h",
            idempotency_key=f"k{EmailMessage.objects.count()}", status=status,
        )  # fmt: skip
        created = timezone.now() - timedelta(days=days_ago)
        EmailMessage.objects.filter(pk=message.pk).update(created_at=created)

    for status, days_ago in [("sent", 0), ("failed", 0), ("failed", 0), ("queued", 0),
                             ("sent", 2), ("failed", 9)]:  # fmt: skip
        record(status, days_ago)
    assert email.delivery_report(today - timedelta(days=3)) == (
        DeliveryDay(today - timedelta(days=2), sent=1, failed=0),
        DeliveryDay(today, sent=1, failed=2),
    )
    assert email.delivery_report(today + timedelta(days=1)) == ()


def test_the_delivery_report_refuses_a_malformed_date(grpc_server):
    stub = admin_pb_grpc.EmailAdminServiceStub(grpc.insecure_channel(grpc_server("notifications")))
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.DeliveryReport(admin_pb.DeliveryReportRequest(since="yesterday"), timeout=10)
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT
