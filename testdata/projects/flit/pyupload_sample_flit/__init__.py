"""Sample flit module."""
GREETING = "hello from flit"
