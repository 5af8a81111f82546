"""Stored data of the catalog service."""
