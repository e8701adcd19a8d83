"""`python -m services.evaluation` runs one evaluation replica."""

from .app import create_host

if __name__ == "__main__":
    create_host().serve()
