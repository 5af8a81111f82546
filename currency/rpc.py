"""gRPC shim of the Currency service (hipstershop.CurrencyService): translate and delegate."""

from shop.rpc.convert import money_from_pb, money_to_pb
from shop.rpc.protos import hipstershop_pb2 as pb
from shop.rpc.protos import hipstershop_pb2_grpc as pb_grpc
from shop.rpc.servicer import Servicer

from . import services

SERVICE_NAMES = ("hipstershop.CurrencyService",)


def from_memory() -> tuple[str, ...]:
    """Answered from the rates' memo in memory: a small pool of their own (shop/rpc/pools.py)."""
    return (
        "/hipstershop.CurrencyService/Convert",
        "/hipstershop.CurrencyService/GetSupportedCurrencies",
    )


class CurrencyServicer(Servicer, pb_grpc.CurrencyServiceServicer):
    def GetSupportedCurrencies(self, request, context):
        return pb.GetSupportedCurrenciesResponse(currency_codes=services.currency_codes())

    def Convert(self, request, context):
        money = money_from_pb(getattr(request, "from"))
        return money_to_pb(services.currency_convert(money=money, to_currency=request.to_code))


def add_to_server(server) -> None:
    pb_grpc.add_CurrencyServiceServicer_to_server(CurrencyServicer(), server)
