"""Catalog use cases, one module per area; each function is one command or query."""
