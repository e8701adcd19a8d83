"""Gateway: the only HTTP face — auth, site scoping, limits, OpenAPI, web pages (DESIGN §7).

It imports `contracts` and the plumbing of `runtime` (settings, tokens, telemetry,
errors), never a service, and holds no business rules.
"""
