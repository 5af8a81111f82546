"""The sales dashboard's route, mounted at /admin/sales/ by shop/urls.py (before the admin's own
routes, whose catch-all would answer first)."""

from django.contrib import admin
from django.urls import path

from .dashboard import sales_dashboard

urlpatterns = [path("", admin.site.admin_view(sales_dashboard), name="admin-sales")]
