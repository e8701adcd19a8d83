"""`python -m services.ops` runs the trace store: OTLP/HTTP receiver plus trace queries."""

import asyncio

from .app import create_host

if __name__ == "__main__":
    asyncio.run(create_host().run())
