"""Rendered pages kept in memory, each with the mark of the data it was built from.

A page is served again only while its mark (e.g. the exact vote and win counts of its tools)
is unchanged, so a vote invalidates exactly the pages it touches, on the next request.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Page:
    body: bytes
    etag: str
    """A strong validator: the body's digest, quoted as HTTP wants it."""

    @classmethod
    def of(cls, body: bytes) -> Page:
        return cls(body, f'"{hashlib.blake2b(body, digest_size=12).hexdigest()}"')


class PageCache:
    """Least recently used first out, at most `size` pages."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[Hashable, Page]] = OrderedDict()

    def get(self, key: Hashable, mark: Hashable) -> Page | None:
        found = self._pages.get(key)
        if found is None or found[0] != mark:
            return None
        self._pages.move_to_end(key)
        return found[1]

    def put(self, key: Hashable, mark: Hashable, page: Page) -> None:
        self._pages[key] = (mark, page)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
