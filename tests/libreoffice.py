"""Convert workbooks with LibreOffice headless, as a reviewer's office suite would open them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def convert_to_pdf(workbooks: list[Path], folder: Path) -> list[Path]:
    """PDF files of ``workbooks`` in ``folder``; fails the test when LibreOffice cannot open one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is not installed")
    # A private profile: parallel soffice runs sharing one profile silently do nothing.
    profile = (folder / "lo-profile").resolve().as_uri()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
         str(folder), *map(str, workbooks)],
        capture_output=True, text=True, timeout=180, check=False)
    pdfs = [folder / f"{w.stem}.pdf" for w in workbooks]
    missing = [p.name for p in pdfs if not p.exists() or p.stat().st_size == 0]
    assert done.returncode == 0 and not missing, f"soffice failed: {done.stdout}\n{done.stderr}"
    return pdfs
