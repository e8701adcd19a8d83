"""`python -m services.accounts` runs one accounts replica."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
