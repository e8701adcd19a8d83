"""The published language of the platform: every event and request/reply on the bus.

Services and the gateway import this package and `runtime`; nothing else is shared.
"""
