"""Pure orders rules: no I/O here."""
