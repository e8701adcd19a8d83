"""Which uploads the platform accepts, told by their bytes (magic numbers), never by their name.

Detection is `filetype` (pure Python, no native library): it answers one type per
file. `puremagic` was measured too: its last release for Python 3.11 (1.30) misses
MP4 files whose major brand is mp41/avc1/iso5/dash and MPEG-2 MP3 frames, and ranks
M4A as video. The gateway sniffs before storing; the catalog sniffs the stored
object's first chunk again before it records the upload.
"""

from __future__ import annotations

import filetype  # type: ignore[import-untyped]

from services.runtime.errors import AppError

# Accepted types → how a message names them.
MEDIA_TYPES: dict[str, str] = {
    "video/mp4": "MP4 视频",
    "video/webm": "WebM 视频",
    "audio/mpeg": "MP3 音频",
    "audio/mp4": "M4A 音频",
    "audio/ogg": "OGG 音频",
    "audio/wav": "WAV 音频",
    "image/jpeg": "JPEG 图片",
    "image/png": "PNG 图片",
    "application/pdf": "PDF 文档",
}
# Spellings of an accepted type that detectors and old clients use.
ALIASES = {
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/mp3": "audio/mpeg",
    "audio/x-m4a": "audio/mp4",
    "application/ogg": "audio/ogg",
}
# Every signature `filetype` knows sits in the first 8 KiB; more is never read.
SNIFF_BYTES = 8192


def sniff(head: bytes) -> str | None:
    """The type the bytes say they are (normalized), accepted or not; None if unknown."""
    found: str | None = filetype.guess_mime(head[:SNIFF_BYTES]) if head else None
    return ALIASES.get(found, found) if found else None


def accepted(mime: str | None) -> bool:
    return mime in MEDIA_TYPES


def allowed_names() -> str:
    return "、".join(MEDIA_TYPES.values())


def unsupported(found: str | None) -> AppError:
    """415 naming what the file really is and what would have been accepted."""
    what_zh = f"文件实际类型为 {found}" if found else "无法识别文件类型"
    what_en = f"the file is {found}" if found else "the file type is not recognized"
    return AppError(
        "unsupported_media_type",
        415,
        f"{what_zh}，不在允许范围内（按文件内容判断，与扩展名无关）。允许：{allowed_names()}",
        f"{what_en}; accepted (judged by content, not by name): {', '.join(MEDIA_TYPES)}",
    )


def require_accepted(head: bytes) -> str:
    """The accepted type of these bytes, or the 415 error."""
    found = sniff(head)
    if not accepted(found):
        raise unsupported(found)
    assert found is not None
    return found
