"""Reproduce the CJK font bundled with the Word/PDF reports and charts.

The source is Noto Sans CJK SC Regular (SIL Open Font License 1.1) from Debian's ``fonts-noto-cjk``
(the SC face of ``NotoSansCJK-Regular.ttc``). The subset keeps every character of GB 2312 (its 6,763
hanzi and all its punctuation, symbols, Roman numerals and full-width forms), printable ASCII and a
few symbols the reports print that GB 2312 lacks (㎡, ≤ ≥ …). It is written as a single-face OpenType
(CFF) file, which matplotlib draws through FreeType; the family is renamed so that it never clashes
with a full Noto CJK installed on the system (OFL: the original font reserves no "Noto" name).

    python scripts/subset_font.py [--source NotoSansCJK-Regular.ttc] [--out src/junheng/report/fonts]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

DEFAULT_SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")
OUT_DIR = Path(__file__).resolve().parent.parent / "src" / "junheng" / "report" / "fonts"
FONT_FILE = "JunhengNotoSansSC-Regular.otf"
FAMILY = "Junheng Noto Sans SC"
SOURCE_FAMILY = "Noto Sans CJK SC"

# Printed by the reports but not in GB 2312 (GB 2312 already has ％ Ⅰ–Ⅻ ≤ ≥ 〔〕 ①… and full-width forms).
EXTRA_CHARACTERS = "㎡㎝㎞℃‰≈±×÷−·•–—✓✗‘’“”…、。，；：？！（）【】《》「」『』〈〉￥™®©°²³¼½¾" + "".join(
    chr(c) for c in range(0x2160, 0x2170)  # Ⅰ–Ⅿ
)


def gb2312_characters() -> str:
    """Every character GB 2312 encodes: rows 1–9 symbols, rows 16–87 hanzi."""
    chars = []
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                chars.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def subset_text() -> str:
    ascii_printable = "".join(chr(c) for c in range(0x20, 0x7F))
    return ascii_printable + gb2312_characters() + EXTRA_CHARACTERS


def build(source: Path, out_dir: Path) -> Path:
    collection = TTCollection(str(source))
    faces = [f for f in collection.fonts if f["name"].getDebugName(1) == SOURCE_FAMILY]
    if not faces:
        raise SystemExit(f"{source}: no face named {SOURCE_FAMILY}")
    font = faces[0]
    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx"]  # vertical writing is never used
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=subset_text())
    subsetter.subset(font)
    rename_family(font)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / FONT_FILE
    font.recalcTimestamp = False  # byte-identical output on every run
    font.save(str(target))
    return target


def rename_family(font) -> None:
    names = font["name"]
    postscript = FAMILY.replace(" ", "") + "-Regular"
    for record in names.names:
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            names.setName(f"{FAMILY} Regular", 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName(postscript, 6, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 3:
            names.setName(f"{postscript};subset of {SOURCE_FAMILY} 2.004", 3, record.platformID,
                          record.platEncID, record.langID)
    cff = font["CFF "].cff
    cff.fontNames = [postscript]
    cff.topDictIndex[0].FullName = f"{FAMILY} Regular"
    cff.topDictIndex[0].FamilyName = FAMILY


def write_license(out_dir: Path) -> Path:
    """The OFL text exactly as Debian ships it with the source font (copyright line + licence)."""
    text = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
    licence = text.split("License: SIL-1.1\n", 2)[2].split("\nLicense: ", 1)[0]
    body = "\n".join("" if line == " ." else line[1:] for line in licence.splitlines())
    target = out_dir / "OFL.txt"
    target.write_text(
        f"{FAMILY} is a subset of Noto Sans CJK SC 2.004 (scripts/subset_font.py).\n"
        "Copyright © 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Noto is a trademark of Google Inc.\n"
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n" + body.strip() + "\n",
        encoding="utf-8",
    )
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    args = parser.parse_args()
    if not args.source.exists():
        raise SystemExit(f"{args.source} not found: apt-get install fonts-noto-cjk")
    font_path = build(args.source, args.out)
    if DEBIAN_COPYRIGHT.exists():  # else the committed OFL.txt stays as it is
        write_license(args.out)
    print(f"{font_path}: {font_path.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
