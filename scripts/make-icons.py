#!/usr/bin/env python3
"""Draws the app icons (a grown-up and a child, side by side, on the theme
colour) as PNG files with no image library. Run once; the PNGs are committed."""
import struct
import zlib
from pathlib import Path

THEME = (29, 92, 87)
LIGHT = (255, 255, 255)
ACCENT = (246, 196, 83)


def pixel(x, y, size):
    u, v = x / size, y / size
    # Two figures: a head and a body each, the child smaller and in the accent colour.
    for cx, head_y, head_r, body_top, body_w, colour in (
        (0.38, 0.32, 0.11, 0.46, 0.17, LIGHT),
        (0.66, 0.47, 0.08, 0.58, 0.12, ACCENT),
    ):
        if (u - cx) ** 2 + (v - head_y) ** 2 <= head_r ** 2:
            return colour
        if body_top <= v <= 0.80 and abs(u - cx) <= body_w * (0.55 + (v - body_top)):
            return colour
    return THEME


def png(size):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size)) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


out = Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for size in (192, 512):
    (out / f"icon-{size}.png").write_bytes(png(size))
