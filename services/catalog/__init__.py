"""Catalog: what is on offer — content, series, service menu and venues (DESIGN §7)."""
