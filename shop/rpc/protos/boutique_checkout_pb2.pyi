from shop.rpc.protos import hipstershop_pb2 as _hipstershop_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CustomerPlaceOrderRequest(_message.Message):
    __slots__ = ("order", "zip_code", "credit_card_cvv")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    ZIP_CODE_FIELD_NUMBER: _ClassVar[int]
    CREDIT_CARD_CVV_FIELD_NUMBER: _ClassVar[int]
    order: _hipstershop_pb2.PlaceOrderRequest
    zip_code: str
    credit_card_cvv: str
    def __init__(self, order: _Optional[_Union[_hipstershop_pb2.PlaceOrderRequest, _Mapping]] = ..., zip_code: _Optional[str] = ..., credit_card_cvv: _Optional[str] = ...) -> None: ...

class GetCustomerOrderRequest(_message.Message):
    __slots__ = ("order_id", "access_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    access_token: str
    def __init__(self, order_id: _Optional[str] = ..., access_token: _Optional[str] = ...) -> None: ...

class CustomerOrderLine(_message.Message):
    __slots__ = ("product_id", "name", "quantity", "unit_price")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    UNIT_PRICE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    name: str
    quantity: int
    unit_price: _hipstershop_pb2.Money
    def __init__(self, product_id: _Optional[str] = ..., name: _Optional[str] = ..., quantity: _Optional[int] = ..., unit_price: _Optional[_Union[_hipstershop_pb2.Money, _Mapping]] = ...) -> None: ...

class CustomerOrder(_message.Message):
    __slots__ = ("order_id", "status", "status_label", "email", "shipping_address", "zip_code", "lines", "shipping_cost", "total", "tracking_id", "access_path")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_LABEL_FIELD_NUMBER: _ClassVar[int]
    EMAIL_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    ZIP_CODE_FIELD_NUMBER: _ClassVar[int]
    LINES_FIELD_NUMBER: _ClassVar[int]
    SHIPPING_COST_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    TRACKING_ID_FIELD_NUMBER: _ClassVar[int]
    ACCESS_PATH_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    status: str
    status_label: str
    email: str
    shipping_address: _hipstershop_pb2.Address
    zip_code: str
    lines: _containers.RepeatedCompositeFieldContainer[CustomerOrderLine]
    shipping_cost: _hipstershop_pb2.Money
    total: _hipstershop_pb2.Money
    tracking_id: str
    access_path: str
    def __init__(self, order_id: _Optional[str] = ..., status: _Optional[str] = ..., status_label: _Optional[str] = ..., email: _Optional[str] = ..., shipping_address: _Optional[_Union[_hipstershop_pb2.Address, _Mapping]] = ..., zip_code: _Optional[str] = ..., lines: _Optional[_Iterable[_Union[CustomerOrderLine, _Mapping]]] = ..., shipping_cost: _Optional[_Union[_hipstershop_pb2.Money, _Mapping]] = ..., total: _Optional[_Union[_hipstershop_pb2.Money, _Mapping]] = ..., tracking_id: _Optional[str] = ..., access_path: _Optional[str] = ...) -> None: ...
