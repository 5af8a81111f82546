from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ClickRequest(_message.Message):
    __slots__ = ("ad_id",)
    AD_ID_FIELD_NUMBER: _ClassVar[int]
    ad_id: int
    def __init__(self, ad_id: _Optional[int] = ...) -> None: ...

class ClickResponse(_message.Message):
    __slots__ = ("redirect_url",)
    REDIRECT_URL_FIELD_NUMBER: _ClassVar[int]
    redirect_url: str
    def __init__(self, redirect_url: _Optional[str] = ...) -> None: ...
