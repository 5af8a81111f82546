"""Stored data of the notifications service."""
