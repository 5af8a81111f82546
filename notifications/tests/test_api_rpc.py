"""REST notifications/order-confirmations/, gRPC EmailService and the admin's resend action."""

import grpc
import pytest
from rest_framework.test import APIClient

from notifications.client import GrpcEmailClient
from notifications.models import EmailMessage
from shop.rpc.convert import order_result_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from testing.api import token_client

from .conftest import sample_order

URL = "/api/v1/notifications/order-confirmations/"
BODY = {
    "email": "ada@example.com",
    "order_url": "http://shop.test/order/1?token=t",
    "order": {
        "order_id": "order-1",
        "shipping_tracking_id": "QK-1234567-8901234",
        "shipping_cost": {"currency": "EUR", "amount": "7.95"},
        "shipping_address": {"street_address": "1 Main St", "city": "Springfield", "state": "IL",
                             "country": "United States", "zip_code": "62701"},
        "items": [{"item": {"product_id": "OLJCESPC7Z", "quantity": 2},
                   "cost": {"currency": "EUR", "amount": "17.68"}}],
    },
}  # fmt: skip


@pytest.fixture
def integrator(db):
    return token_client(is_staff=False)


@pytest.mark.django_db
def test_rest_needs_a_token_and_sends_once(
    integrator, mailoutbox, django_capture_on_commit_callbacks
):
    assert APIClient().post(URL, BODY, format="json").status_code == 401
    with django_capture_on_commit_callbacks(execute=True):
        response = integrator.post(URL, BODY, format="json")
        again = integrator.post(URL, BODY, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert again.json()["id"] == response.json()["id"]
    (sent,) = mailoutbox
    assert "order-1" in sent.subject and "http://shop.test/order/1?token=t" in sent.body


@pytest.mark.django_db
def test_rest_refuses_bad_bodies(integrator):
    mixed = BODY["order"] | {"shipping_cost": {"currency": "USD", "amount": "8.99"}}
    response = integrator.post(URL, BODY | {"order": mixed}, format="json")
    assert response.status_code == 400 and "items" in response.json()["errors"]["order"]
    response = integrator.post(URL, BODY | {"email": "nobody"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]
    assert not EmailMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_grpc_send_order_confirmation(grpc_server, mailoutbox):
    address = grpc_server("notifications")
    stub = pb_grpc.EmailServiceStub(grpc.insecure_channel(address))
    order = sample_order()
    stub.SendOrderConfirmation(
        pb.SendOrderConfirmationRequest(email="ada@example.com", order=order_result_to_pb(order)),
        timeout=10,
    )
    # Our own client passes the order page link as metadata; the message exists already.
    GrpcEmailClient(address).send_order_confirmation(
        "ada@example.com", order, order_url="http://shop.test/x"
    )
    assert EmailMessage.objects.get().order_id == order.order_id
    assert len(mailoutbox) == 1
    with pytest.raises(grpc.RpcError) as excinfo:
        stub.SendOrderConfirmation(
            pb.SendOrderConfirmationRequest(email="nobody", order=order_result_to_pb(order)),
            timeout=10,
        )
    assert excinfo.value.code() == grpc.StatusCode.INVALID_ARGUMENT


@pytest.mark.django_db
def test_admin_lists_emails_and_resends(
    admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    from notifications import services

    with django_capture_on_commit_callbacks(execute=True):
        message = services.order_confirmation_send(email="ada@example.com", order=sample_order())
    page = admin_client.get("/admin/notifications/emailmessage/")
    assert page.status_code == 200 and "ada@example.com" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/notifications/emailmessage/",
            {"action": "resend", "_selected_action": [message.pk]},
        )
    assert response.status_code == 302 and len(mailoutbox) == 2
