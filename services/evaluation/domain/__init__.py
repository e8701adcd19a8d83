"""Pure evaluation rules: no I/O here."""
