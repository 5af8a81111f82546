from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class CancelShipmentRequest(_message.Message):
    __slots__ = ("tracking_id", "reference")
    TRACKING_ID_FIELD_NUMBER: _ClassVar[int]
    REFERENCE_FIELD_NUMBER: _ClassVar[int]
    tracking_id: str
    reference: str
    def __init__(self, tracking_id: _Optional[str] = ..., reference: _Optional[str] = ...) -> None: ...

class CancelShipmentResponse(_message.Message):
    __slots__ = ("tracking_id", "status")
    TRACKING_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    tracking_id: str
    status: str
    def __init__(self, tracking_id: _Optional[str] = ..., status: _Optional[str] = ...) -> None: ...
