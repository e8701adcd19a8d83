"""Ops: the embedded trace store — OTLP/HTTP receiver, span retention, trace query (DESIGN §9)."""
