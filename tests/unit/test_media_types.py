"""Upload types are told by content: the accepted list, aliases, and what is refused."""

from __future__ import annotations

import pytest

from services.runtime import media_types
from services.runtime.errors import AppError
from tests.support import media_samples as s


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (s.mp4(), "video/mp4"),
        (s.mp4(brand=b"mp42"), "video/mp4"),
        (s.m4a(), "audio/mp4"),
        (s.mp3(), "audio/mpeg"),
        (b"\xff\xfb\x90\x64" + s.filler(400), "audio/mpeg"),  # no ID3 tag: a bare frame
        (s.ogg(), "audio/ogg"),
        (s.wav(), "audio/wav"),  # filetype says audio/x-wav
        (s.webm(), "video/webm"),
        (s.jpeg(), "image/jpeg"),
        (s.png(), "image/png"),
        (s.pdf(), "application/pdf"),
    ],
)
def test_accepted_types_are_recognized(data: bytes, mime: str) -> None:
    assert media_types.sniff(data) == mime
    assert media_types.require_accepted(data) == mime


@pytest.mark.parametrize(
    ("data", "found"),
    [
        (s.text(), None),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", None),
        (b"PK\x03\x04" + b"\x00" * 60, "application/zip"),
        (b"GIF89a" + b"\x00" * 60, "image/gif"),
        (b"MZ" + b"\x00" * 200, "application/x-msdownload"),
        (b"", None),
    ],
)
def test_other_content_is_refused_with_415_naming_it(data: bytes, found: str | None) -> None:
    assert media_types.sniff(data) == found
    with pytest.raises(AppError) as refused:
        media_types.require_accepted(data)
    error = refused.value
    assert error.status == 415
    assert error.code == "unsupported_media_type"
    assert "MP4 视频" in error.message_zh
    assert "PDF 文档" in error.message_zh
    assert (found or "无法识别") in error.message_zh


def test_only_the_first_bytes_are_looked_at() -> None:
    # A PNG signature followed by megabytes of anything is a PNG; a signature past the
    # sniffed head does not count.
    assert media_types.sniff(s.png() + s.filler(3_000_000)) == "image/png"
    assert media_types.sniff(b"\x00" * media_types.SNIFF_BYTES + s.png()) is None


def test_every_accepted_type_has_a_chinese_name() -> None:
    names = media_types.allowed_names()
    for mime, label in media_types.MEDIA_TYPES.items():
        assert label in names, mime
    assert set(media_types.ALIASES.values()) <= set(media_types.MEDIA_TYPES)
