"""Demo audio: a short spoken-tone WAV made with the standard library (no media tools
are installed here), so the demo has something the kiosk can really play."""

from __future__ import annotations

import io
import math
import struct
import wave

RATE = 16_000


def tone(seconds: float = 6.0, pitch_hz: float = 440.0) -> bytes:
    """A gentle tone that rises and falls, as 16-bit mono PCM in a WAV container."""
    frames = int(seconds * RATE)
    samples = bytearray()
    for n in range(frames):
        t = n / RATE
        envelope = math.sin(math.pi * t / seconds)
        value = 0.3 * envelope * math.sin(2 * math.pi * (pitch_hz + 40 * math.sin(t)) * t)
        samples += struct.pack("<h", int(value * 32767))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(bytes(samples))
    return buffer.getvalue()
