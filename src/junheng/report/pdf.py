"""Word → PDF through LibreOffice headless (the only converter that keeps Word layout offline)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

CONVERT_TIMEOUT_SECONDS = 180
INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk"


class ReportError(Exception):
    """A report could not be written; the message is Chinese and says what to do (CLI exit 2)."""


class PdfConverterMissing(ReportError):
    """LibreOffice (soffice) is not installed, so no PDF can be made."""

    def __init__(self) -> None:
        super().__init__(
            "生成 PDF 需要 LibreOffice，但本机未找到 soffice 命令。"
            f"请先安装：{INSTALL_HINT}（Windows 可从 libreoffice.org 下载安装）；"
            "安装后重新运行。Word 报告（.docx）不受影响，可直接使用。"
        )


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_path: Path, pdf_path: Path) -> Path:
    """Convert with a private LibreOffice profile, so that parallel runs and an open office don't clash."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfConverterMissing()
    with tempfile.TemporaryDirectory(prefix="junheng-pdf-") as work:
        work_dir = Path(work)
        command = [
            soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(work_dir), str(docx_path),
        ]
        try:
            completed = subprocess.run(command, capture_output=True, text=True, timeout=CONVERT_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise ReportError(f"LibreOffice 转换 PDF 超过 {CONVERT_TIMEOUT_SECONDS} 秒未完成：{docx_path.name}") from None
        produced = work_dir / f"{docx_path.stem}.pdf"
        if completed.returncode != 0 or not produced.exists():
            detail = (completed.stderr or completed.stdout).strip()[-300:]
            raise ReportError(f"LibreOffice 未能把 {docx_path.name} 转换为 PDF（{detail or '无输出'}）")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(produced, pdf_path)
    return pdf_path
