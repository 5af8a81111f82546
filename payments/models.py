"""Stored data of the payments service."""
