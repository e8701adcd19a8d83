"""Pure catalog rules: no I/O here."""
