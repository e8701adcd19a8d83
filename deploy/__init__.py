"""Running the platform: the local runner (`wenming`), and production sketches beside it."""
