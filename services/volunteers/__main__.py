"""`python -m services.volunteers` runs one volunteers replica."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
