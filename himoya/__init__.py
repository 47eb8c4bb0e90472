"""Himoya: case register and documentation for organisations that fight torture."""

__version__ = "0.1.0"
