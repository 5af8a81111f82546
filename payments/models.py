"""Stored data of the payments service: one row per charge attempt that reached the processor.

The full card number and the CVV are never stored: brand and last four digits only.
"""

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from shop.money import Money
from shop.statements import statement_fetch_one, statement_run

from .cards import BRAND_NAMES


class ChargeStatus(models.TextChoices):
    # Claimed, the processor is being asked (seconds); never shown through the API.
    PENDING = "pending", "pending"
    CAPTURED = "captured", "captured"
    DECLINED = "declined", "declined"
    VOIDED = "voided", "voided"
    REFUNDED = "refunded", "refunded"


class Charge(models.Model):
    Status = ChargeStatus

    # The transaction id given to the caller.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Nano precision, like the wire: a converted amount is charged exactly as asked.
    amount = models.DecimalField(max_digits=24, decimal_places=9)
    currency = models.CharField(max_length=3)
    brand = models.CharField(max_length=20)
    last4 = models.CharField("last four digits", max_length=4)
    status = models.CharField(
        max_length=10, choices=ChargeStatus.choices, default=ChargeStatus.PENDING
    )
    decline_reason = models.CharField(max_length=200, blank=True)
    gateway = models.CharField(max_length=40)
    gateway_reference = models.CharField(max_length=100, blank=True)
    # The caller's Idempotency-Key (REST header, gRPC metadata, checkout's order reference).
    idempotency_key = models.CharField(max_length=255, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["last4"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(status__in=ChargeStatus.values),
                name="charge_status_known",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.money.format()} {self.get_brand_display()} ending {self.last4} ({self.status})"
        )

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    def insert(self) -> None:
        """Records this new charge in one INSERT, as `save(force_insert=True)` does, at about
        half its CPU (the statement is built once per process; on PostgreSQL prepared once per
        connection, as every statement run twice: shop/settings.py): a charge is the one write
        of a `Charge` call. Sends no pre_save/post_save: nothing listens to charges' signals."""
        # The thread's connection itself, not `django.db.connection`: that proxy looks the
        # connection up again (a thread- and context-local read) on each of the ~15 uses below.
        db = connections[DEFAULT_DB_ALIAS]
        values = [
            field.get_db_prep_save(field.pre_save(self, True), db)
            for field in self._meta.concrete_fields
        ]
        statement_run(db, _insert_statement(db.vendor), values)
        self._state.adding = False
        self._state.db = db.alias

    def get_brand_display(self) -> str:
        return BRAND_NAMES.get(self.brand, self.brand)


class ChargeRow(NamedTuple):
    """A new charge as its row: `Charge`'s columns in their order (a test keeps them so). The
    shop's own processor's charge is written from it (`insert`) without building a `Charge`:
    on a `Charge` call the model's construction and Django's per-field preparation of its values
    cost more of the server's CPU than the statement's own round trip (docs/decisions.md, "gRPC:
    Charge, fifth pass"). `as_charge()` builds the model for a caller that needs one."""

    id: uuid.UUID
    amount: Decimal
    currency: str
    brand: str
    last4: str
    status: str
    decline_reason: str
    gateway: str
    gateway_reference: str
    idempotency_key: str | None
    created: datetime
    updated: datetime

    def insert(self) -> None:
        """The same INSERT as `Charge.insert` (IntegrityError when the key is taken). On
        PostgreSQL the values go as they are: Django's preparation of these fields there returns
        them unchanged (uuid, Decimal, str, aware datetime; a test proves it per field);
        elsewhere (SQLite in tests) each is prepared by its field as the ORM prepares it."""
        db = connections[DEFAULT_DB_ALIAS]
        values: Sequence[object] = self
        if db.vendor != "postgresql":
            values = [
                field.get_db_prep_save(value, db)
                for field, value in zip(Charge._meta.concrete_fields, self, strict=True)
            ]
        statement_run(db, _insert_statement(db.vendor), values)

    def as_charge(self) -> Charge:
        """The stored charge as a model instance, as `Charge.objects.get` would give it."""
        charge = Charge(*self)
        charge._state.adding = False
        charge._state.db = DEFAULT_DB_ALIAS
        return charge


@functools.cache
def _insert_statement(vendor: str) -> str:
    """Per database vendor (its quoting): names from the model, every value a parameter."""
    quote = connection.ops.quote_name
    table = quote(Charge._meta.db_table)
    columns = ", ".join(quote(field.column) for field in Charge._meta.concrete_fields)
    placeholders = ", ".join(["%s"] * len(Charge._meta.concrete_fields))
    return f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608


class VoidedKey(models.Model):
    """An idempotency key whose charge was voided without its transaction id (VoidByKey): no
    charge may be made under it any more, so a Charge still on its way when the caller gave up
    is refused instead of taking money nobody will record."""

    key = models.CharField(max_length=255, primary_key=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key

    @classmethod
    def holds(cls, key: str) -> bool:
        """Whether `key` is voided: `VoidedKey.objects.filter(key=key).exists()`, written once
        (on PostgreSQL prepared, as the charge's INSERT is). Asked after every keyed charge
        (checkout's), where composing the ORM's query cost about three times its round trip."""
        db = connections[DEFAULT_DB_ALIAS]
        return statement_fetch_one(db, _voided_statement(db.vendor), (key,)) is not None


@functools.cache
def _voided_statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    table, column = quote(VoidedKey._meta.db_table), quote(VoidedKey._meta.pk.column)
    return f"SELECT 1 FROM {table} WHERE {column} = %s LIMIT 1"  # noqa: S608
