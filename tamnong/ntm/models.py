"""Models of this app (to be built by its issue)."""
