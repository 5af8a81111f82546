"""On the production database: the schema's own guarantees hold."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from currency.models import ExchangeRate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_database_refuses_a_non_positive_rate():
    with pytest.raises(IntegrityError):
        ExchangeRate.objects.create(code="XTS", rate_per_eur=Decimal("0"))
