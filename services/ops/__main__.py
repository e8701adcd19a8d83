"""`python -m services.ops` runs the trace store: OTLP/HTTP receiver plus trace queries."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
