"""Verdict bot core: platform-neutral catalogue, query parsing, matching and verdict cards.

Nothing in this package imports a chat platform; adapters translate to and from it.
"""

__version__ = "0.1.0"
