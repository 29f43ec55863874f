"""The bundled CJK font (a GB 2312 subset of Noto Sans CJK SC, SIL OFL 1.1) for matplotlib charts.

Without a CJK font matplotlib draws Chinese as tofu boxes, and a county PC or a server may have none.
The subset (``fonts/``, rebuilt by ``scripts/subset_font.py``) ships inside the package, so charts
render after ``pip install`` alone. Characters outside GB 2312 (a rare character in a school name)
fall back, glyph by glyph, to a full CJK font if the system has one.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager

FONT_DIR = Path(__file__).parent / "fonts"
BUNDLED_FONT = FONT_DIR / "JunhengNotoSansSC-Regular.otf"
BUNDLED_FAMILY = "Junheng Noto Sans SC"
# Tried after the bundled font for missing glyphs, in this order, when installed.
SYSTEM_FALLBACKS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Noto Sans CJK JP", "DejaVu Sans")


@cache
def font_families() -> tuple[str, ...]:
    """Register the bundled font once; the family list charts use (bundled first, then fallbacks)."""
    font_manager.fontManager.addfont(str(BUNDLED_FONT))
    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return (BUNDLED_FAMILY, *(name for name in SYSTEM_FALLBACKS if name in installed))
