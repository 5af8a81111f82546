"""The notifications service's own errors, importable without the ORM: the client imports them, so
a process that only calls the notifications service remotely still raises the error a local call
raises."""

from shop.errors import NotFound


class EmailNotFound(NotFound):
    code = "email_not_found"
    default_message = "There is no such e-mail."
