"""Pure volunteers rules: no I/O here."""
