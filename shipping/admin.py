from django.contrib import admin  # noqa: F401 - registrations come with the service
