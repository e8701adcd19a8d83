"""HTTP byte ranges (RFC 9110 §14): one range per request, which is what players send.

A header the server may ignore (another unit, several ranges, a malformed one) means
"send the whole object"; a well-formed range that misses the object is a 416.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPEC = re.compile(r"^(?:(\d{1,19})-(\d{0,19})|-(\d{1,19}))$")


@dataclass(frozen=True)
class ByteRange:
    start: int
    end: int  # inclusive

    @property
    def length(self) -> int:
        return self.end - self.start + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.start}-{self.end}/{size}"


class Unsatisfiable(Exception):
    """The range lies wholly outside the object (answer 416 with `bytes */size`)."""


def parse_range(header: str | None, size: int) -> ByteRange | None:
    """The range to send, None for the whole object; raises `Unsatisfiable`."""
    if not header:
        return None
    unit, sep, specs = header.partition("=")
    if not sep or unit.strip().lower() != "bytes" or "," in specs:
        return None
    match = _SPEC.fullmatch(specs.strip())
    if match is None:
        return None
    first, last, suffix = match.groups()
    if suffix is not None:
        wanted = int(suffix)
        if wanted == 0 or size == 0:
            raise Unsatisfiable
        return ByteRange(max(size - wanted, 0), size - 1)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid: ignored, as RFC 9110 §14.2 allows
    if start >= size:
        raise Unsatisfiable
    return ByteRange(start, min(int(last), size - 1) if last else size - 1)
