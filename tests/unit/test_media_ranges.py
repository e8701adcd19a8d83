"""Byte ranges, upload filenames and per-path middleware limits (no I/O)."""

from __future__ import annotations

import pytest

from services.gateway.byte_ranges import ByteRange, Unsatisfiable, parse_range
from services.gateway.middleware import for_path
from services.gateway.routers.media import disposition, etag_matches
from services.gateway.uploads import clean_filename

SIZE = 1000


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 99)),
        ("bytes=100-", ByteRange(100, 999)),
        ("bytes=500-2000", ByteRange(500, 999)),  # the end is clamped
        ("bytes=-100", ByteRange(900, 999)),
        ("bytes=-5000", ByteRange(0, 999)),  # a suffix longer than the file: all of it
        ("bytes=999-999", ByteRange(999, 999)),
        ("Bytes = 0-0", ByteRange(0, 0)),
        (" bytes=10-19 ", ByteRange(10, 19)),
    ],
)
def test_single_ranges(header: str, expected: ByteRange) -> None:
    assert parse_range(header, SIZE) == expected


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "items=0-9",  # another unit
        "bytes=0-9,20-29",  # several ranges: the whole file instead
        "bytes=9-0",  # invalid
        "bytes=abc",
        "bytes=-",
        "bytes=+1-2",
        "bytes 0-9",
    ],
)
def test_ignored_headers_mean_the_whole_file(header: str | None) -> None:
    assert parse_range(header, SIZE) is None


@pytest.mark.parametrize("header", ["bytes=1000-", "bytes=1000-1001", "bytes=5000-", "bytes=-0"])
def test_ranges_outside_the_file_are_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, SIZE)


def test_range_lengths_and_content_range() -> None:
    wanted = ByteRange(100, 199)
    assert wanted.length == 100
    assert wanted.content_range(SIZE) == "bytes 100-199/1000"


def test_etag_validators() -> None:
    etag = '"abc"'
    assert etag_matches('"abc"', etag)
    assert etag_matches('W/"abc", "other"', etag)
    assert etag_matches("*", etag)
    assert not etag_matches('"other"', etag)
    assert not etag_matches(None, etag)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("讲座.mp4".encode(), "讲座.mp4"),
        (b"C:\\Users\\x\\video.mp4", "video.mp4"),
        (b"../../etc/passwd", "passwd"),
        (b"a\x00b\r\nc.pdf", "abc.pdf"),
        (b"  ", "upload"),
        (b"\xff\xfe.png", "\ufffd\ufffd.png"),
        (b"x" * 500, "x" * 200),
    ],
)
def test_upload_filenames_lose_paths_and_control_characters(raw: bytes, clean: str) -> None:
    assert clean_filename(raw) == clean


def test_disposition_keeps_the_chinese_name_and_an_ascii_fallback() -> None:
    header = disposition('社区"讲座".mp4')
    assert header.startswith('inline; filename="')
    assert "filename*=UTF-8''%E7%A4%BE%E5%8C%BA%22%E8%AE%B2%E5%BA%A7%22.mp4" in header
    assert '"' not in header.split('filename="', 1)[1].split('";', 1)[0]


def test_per_path_limits() -> None:
    table: dict[str, float | None] = {"/api/v1/media": 600.0, "/media/": None}
    assert for_path("/api/v1/media", table, 15.0) == 600.0
    assert for_path("/api/v1/media/x", table, 15.0) == 15.0  # exact paths stay exact
    assert for_path("/media/abc", table, 15.0) is None
    assert for_path("/api/v1/content", table, 15.0) == 15.0
