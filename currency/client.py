"""The Currency service's interface, as its consumers see it, and its two implementations."""

from __future__ import annotations

from typing import Protocol

from shop import registry
from shop.money import Money
from shop.rpc.client import RemoteClient
from shop.rpc.convert import money_from_pb, money_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc

from . import services


class CurrencyClient(Protocol):
    def supported_currencies(self) -> list[str]: ...

    def convert(self, money: Money, to_currency: str) -> Money:
        """Exact conversion (nano precision over gRPC); UnsupportedCurrency for an unknown code."""
        ...


class LocalCurrencyClient:
    def supported_currencies(self) -> list[str]:
        return services.currency_codes()

    def convert(self, money: Money, to_currency: str) -> Money:
        return services.currency_convert(money=money, to_currency=to_currency)


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


def currency_client() -> CurrencyClient:
    return registry.pick("currency", local=LocalCurrencyClient, remote=GrpcCurrencyClient)
