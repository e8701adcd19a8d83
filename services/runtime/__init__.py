"""Shared plumbing only: settings, bus, database, outbox/inbox, telemetry, tokens, sites, errors.

`runtime` imports `contracts` and libraries, never a service.
"""
