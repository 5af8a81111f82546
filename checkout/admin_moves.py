"""The order page's buttons: the moves staff may make from the order's current status (ship with
a tracking id, deliver, refund, cancel, resend the confirmation). Each is a POST (CSRF-checked by
the admin) to one view that calls one service, records who did what and when in the admin's log
(LogEntry, shown on the order page and under "History") and answers with an admin message.

The services enforce the transition table again: a button that went stale in an open tab gets
the service's refusal, never a second move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from shop.errors import ShopError

from . import post_order, transitions
from .models import Order
from .selectors import SOLD

Status = Order.Status


@dataclass(frozen=True)
class Move:
    name: str
    label: str  # the button
    done: str  # the log entry and the message, past tense
    run: Callable[[str, dict], Order]  # (order id, the POSTed form) -> the order after the move
    allowed: Callable[[Order], bool]
    # Money moves: the button leads to a confirmation page first.
    confirm: str = ""
    asks_tracking_id: bool = False


def _becomes(status: str) -> Callable[[Order], bool]:
    return lambda order: status in transitions.TRANSITIONS[order.status]


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "ship", "Mark shipped", "Marked shipped",
            lambda order_id, form: transitions.order_transition(
                order_id=order_id, to=Status.SHIPPED, tracking_id=form.get("tracking_id", "")
            ),
            _becomes(Status.SHIPPED), asks_tracking_id=True,
        ),
        Move(
            "deliver", "Mark delivered", "Marked delivered",
            lambda order_id, form: transitions.order_transition(
                order_id=order_id, to=Status.DELIVERED
            ),
            _becomes(Status.DELIVERED),
        ),
        Move(
            "resend", "Resend the confirmation e-mail", "Confirmation e-mail sent again",
            lambda order_id, form: post_order.confirmation_resend(order_id=order_id),
            lambda order: order.status in SOLD,
        ),
        Move(
            "refund", "Refund", "Refunded",
            lambda order_id, form: transitions.order_refund(order_id=order_id),
            _becomes(Status.REFUNDED),
            confirm="The whole amount of this order goes back to the customer's card.",
        ),
        Move(
            "cancel", "Cancel", "Cancelled",
            lambda order_id, form: transitions.order_cancel(order_id=order_id),
            _becomes(Status.CANCELLED),
            confirm="The interrupted checkout is cancelled and any charge it made is voided.",
        ),
    )
}  # fmt: skip
# The one action an order most likely waits for: drawn as the page's primary button.
PRIMARY = {Status.PAID: "ship", Status.SHIPPED: "deliver", Status.PENDING: "cancel"}


@dataclass(frozen=True)
class Button:
    move: Move
    url: str
    primary: bool


def buttons(order: Order) -> list[Button]:
    """The moves allowed from the order's status, in the order of MOVES."""
    return [
        Button(move, reverse("admin:checkout_order_move", args=[order.pk, move.name]),
               PRIMARY.get(order.status) == move.name)
        for move in MOVES.values()
        if move.allowed(order)
    ]  # fmt: skip


def move_view(model_admin, request, object_id: str, move_name: str):
    """POST only; staff with checkout.change_order (checked by the caller's admin_view and
    here); a money move without `confirm=yes` answers with its confirmation page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_move_permission(request):
        raise PermissionDenied
    order = model_admin.get_object(request, unquote(object_id))
    move = MOVES.get(move_name)
    if order is None or move is None:
        raise Http404("No such order or move.")
    page = reverse("admin:checkout_order_change", args=[order.pk])
    if move.confirm and request.POST.get("confirm") != "yes":
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"{move.label} this order?",
            "opts": model_admin.opts,
            "original": order,
            "move": move,
            "order_page": page,
        }
        return TemplateResponse(request, "checkout/admin/order_move_confirm.html", context)
    try:
        moved = move.run(str(order.pk), request.POST)
    except ShopError as error:
        model_admin.message_user(request, f"{move.label}: {error.message}", messages.ERROR)
        return HttpResponseRedirect(page)
    done = move.done
    if move.asks_tracking_id:
        done += f" (tracking id {moved.tracking_id})"
    model_admin.log_change(request, moved, f"{done}.")
    model_admin.message_user(request, f"{done}.", messages.SUCCESS)
    return HttpResponseRedirect(page)
