"""`python -m services.catalog` runs one catalog replica."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
