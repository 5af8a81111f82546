from shop.rpc.protos import hipstershop_pb2 as _hipstershop_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class DeliveryReportRequest(_message.Message):
    __slots__ = ("since",)
    SINCE_FIELD_NUMBER: _ClassVar[int]
    since: str
    def __init__(self, since: _Optional[str] = ...) -> None: ...

class DeliveryDay(_message.Message):
    __slots__ = ("day", "sent", "failed")
    DAY_FIELD_NUMBER: _ClassVar[int]
    SENT_FIELD_NUMBER: _ClassVar[int]
    FAILED_FIELD_NUMBER: _ClassVar[int]
    day: str
    sent: int
    failed: int
    def __init__(self, day: _Optional[str] = ..., sent: _Optional[int] = ..., failed: _Optional[int] = ...) -> None: ...

class DeliveryReportResponse(_message.Message):
    __slots__ = ("days",)
    DAYS_FIELD_NUMBER: _ClassVar[int]
    days: _containers.RepeatedCompositeFieldContainer[DeliveryDay]
    def __init__(self, days: _Optional[_Iterable[_Union[DeliveryDay, _Mapping]]] = ...) -> None: ...
