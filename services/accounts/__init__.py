"""Accounts: the site tree, admin accounts, phone sign-in, kiosk devices and sessions.

The gateway stays stateless and rule-free: it asks this service who a caller is and
mints tokens for the answer.
"""
