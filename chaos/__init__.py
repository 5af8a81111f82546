"""`make chaos`: the fault suite of docs/reliability.md (run as `python -m chaos`)."""
