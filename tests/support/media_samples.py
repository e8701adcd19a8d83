"""Minimal media files made in-test: just the headers a type is told by, then filler.

Each is valid as far as magic-number detection goes (what the platform checks);
`filler` makes files of any size with distinct bytes, so a wrong offset shows.
"""

from __future__ import annotations

import struct


def filler(size: int, seed: int = 7) -> bytes:
    """`size` bytes that differ at every offset (a repeating 251-byte cycle, shifted by seed)."""
    cycle = bytes((i * 31 + seed) % 251 for i in range(251))
    return (cycle * (size // 251 + 1))[:size]


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(size: int = 4096, brand: bytes = b"isom") -> bytes:
    head = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"iso2avc1mp41")
    return head + box(b"mdat", filler(max(size - len(head) - 8, 0)))


def m4a(size: int = 4096) -> bytes:
    head = box(b"ftyp", b"M4A \x00\x00\x00\x00M4A mp42isom")
    return head + box(b"mdat", filler(max(size - len(head) - 8, 0)))


def mp3(size: int = 4096) -> bytes:
    head = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64"
    return head + filler(size - len(head))


def png(size: int = 512) -> bytes:
    ihdr = box(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + b"\x00" * 4
    head = b"\x89PNG\r\n\x1a\n" + ihdr
    return head + filler(max(size - len(head), 0))


def pdf(size: int = 512) -> bytes:
    head = b"%PDF-1.4\n1 0 obj<<>>endobj\n"
    tail = b"\ntrailer<<>>\n%%EOF\n"
    return head + b"%" * max(size - len(head) - len(tail), 0) + tail


def jpeg(size: int = 512) -> bytes:
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return head + filler(max(size - len(head) - 2, 0)) + b"\xff\xd9"


def ogg(size: int = 512) -> bytes:
    head = b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1e\x01vorbis"
    return head + filler(max(size - len(head), 0))


def wav(size: int = 512) -> bytes:
    fmt = box(b"fmt ", struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8))
    body = b"WAVE" + fmt + b"data" + struct.pack("<I", max(size - 44, 0))
    head = b"RIFF" + struct.pack("<I", size - 8) + body
    return head + filler(max(size - len(head), 0))


def webm(size: int = 512) -> bytes:
    doctype = b"webm"
    body = (
        bytes.fromhex("4286810142F7810142F2810442F3810842")
        + bytes([0x82, 0x80 | len(doctype)])
        + doctype
        + bytes.fromhex("4287810442858102")
    )
    head = bytes.fromhex("1A45DFA3") + bytes([0x80 | len(body)]) + body
    return head + filler(max(size - len(head), 0))


def text(size: int = 512) -> bytes:
    line = b"this is a plain text file pretending to be a video\n"
    return (line * (size // len(line) + 1))[:size]
