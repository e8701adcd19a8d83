"""Pure account rules: no I/O here."""
