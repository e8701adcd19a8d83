"""`python -m services.gateway` serves the HTTP front door with uvicorn."""

import uvicorn

from .app import create_app
from .settings import GatewaySettings

if __name__ == "__main__":
    settings = GatewaySettings()
    uvicorn.run(
        create_app(settings, settle_heap_on_start=True),
        host=settings.host,
        port=settings.port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
