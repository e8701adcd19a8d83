"""`python -m services.orders` runs one orders replica."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
