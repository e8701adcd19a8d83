"""`python -m services.accounts` runs one accounts replica."""

import asyncio

from .app import create_host

if __name__ == "__main__":
    asyncio.run(create_host().run())
