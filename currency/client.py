"""The Currency service's interface as its consumers see it, its gRPC implementation and
the factory that picks it or the in-process one (local.py, imported only when picked)."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.money import Money
from shop.rpc.client import RemoteClient
from shop.rpc.convert import money_from_pb, money_to_pb
from shop.rpc.lazy import LazyModule

# Registers the currency service's error codes, so remote calls raise its own errors.
from . import errors  # noqa: F401

# grpc and the generated modules load with the first remote call (shop/rpc/lazy.py).
pb = LazyModule("shop.rpc.protos.hipstershop_pb2")
pb_grpc = LazyModule("shop.rpc.protos.hipstershop_pb2_grpc")


class CurrencyClient(Protocol):
    def supported_currencies(self) -> list[str]: ...

    def convert(self, money: Money, to_currency: str) -> Money:
        """Exact conversion (nano precision over gRPC); UnsupportedCurrency for an unknown code."""
        ...


class GrpcCurrencyClient(RemoteClient):
    stub_module = pb_grpc
    stub_name = "CurrencyServiceStub"
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
