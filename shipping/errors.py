"""The shipping service's own errors, importable without the ORM: the client imports them, so a
process that only calls the shipping service remotely still raises the error a local call
raises."""

from shop.errors import Conflict, InvalidArgument, NotFound, PreconditionFailed


class ShipmentItemsInvalid(InvalidArgument):
    code = "shipment_items_invalid"


class ShipmentReferenceInvalid(InvalidArgument):
    code = "shipment_reference_invalid"


class ShipmentReferenceReused(Conflict):
    code = "shipment_reference_reused"
    default_message = (
        "This order reference was already shipped to another address or with other items."
    )


class ShipmentNotFound(NotFound):
    code = "shipment_not_found"


class ShipmentStatusInvalid(PreconditionFailed):
    code = "shipment_status_invalid"


class ShipmentCancelInvalid(InvalidArgument):
    code = "shipment_cancel_invalid"
    default_message = "Name the shipment to cancel by its tracking id or its order reference."
