"""QR codes made on the server (segno), as inline SVG for the print sheets or PNG/SVG files."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, scale: int = 4) -> str:
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", border=2, omitsize=True)


def qr_file(url: str, kind: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind=kind, scale=10 if kind == "png" else 4, border=4)
    return buffer.getvalue()
