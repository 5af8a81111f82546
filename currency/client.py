"""The Currency service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.money import Money
from shop.rpc.client import RemoteClient
from shop.rpc.convert import money_from_pb, money_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

# Registers the currency service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401


class CurrencyClient(Protocol):
    def supported_currencies(self) -> list[str]: ...

    def convert(self, money: Money, to_currency: str) -> Money:
        """Exact conversion (nano precision over gRPC); UnsupportedCurrency for an unknown code."""
        ...


class GrpcCurrencyClient(RemoteClient):
    stub_class = pb_grpc.CurrencyServiceStub
    service_label = "currency"

    def supported_currencies(self) -> list[str]:
        response = self.call("GetSupportedCurrencies", pb.Empty())
        return list(response.currency_codes)

    def convert(self, money: Money, to_currency: str) -> Money:
        # `from` is a Python keyword, hence the dict.
        request = pb.CurrencyConversionRequest(**{"from": money_to_pb(money)}, to_code=to_currency)
        return money_from_pb(self.call("Convert", request))


def _local() -> CurrencyClient:
    # Imported on first use only: a process that calls this service remotely never loads its ORM.
    from .local import LocalCurrencyClient

    return LocalCurrencyClient()


def currency_client() -> CurrencyClient:
    return registry.pick("currency", local=_local, remote=GrpcCurrencyClient)
