"""Volunteers: see DESIGN §7. The bus wiring runs now; its features arrive with their issues."""
