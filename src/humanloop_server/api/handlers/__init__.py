"""Behaviour behind the routes, one module per resource (same function names as the routes)."""
