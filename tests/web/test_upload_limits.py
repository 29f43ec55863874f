"""The web upload reads through the same guarded reader: a hostile workbook is a form error, not a crash."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from junheng.io.dataset_writer import write_dataset_xlsx

pytestmark = pytest.mark.django_db


def _with_far_cell(path) -> bytes:
    """The county workbook plus one value at XFD1048576 (the reader would ask for 512 GiB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
            zout.writestr(item, data)
    return buffer.getvalue()


def test_a_workbook_claiming_512_gib_is_a_chinese_form_error(world, login, small_dataset, tmp_path):
    path = tmp_path / "county.xlsx"
    write_dataset_xlsx(small_dataset, path)
    upload = io.BytesIO(_with_far_cell(path))
    upload.name = "全县.xlsx"
    response = login(world.bureau).post(reverse("import", args=[world.year]), {"file": upload})
    assert response.status_code == 400
    assert "一直延伸到 XFD1048576 单元格" in response.content.decode()


def test_an_encrypted_workbook_is_a_chinese_form_error(world, login):
    upload = io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le"))
    upload.name = "全县.xlsx"
    response = login(world.bureau).post(reverse("import", args=[world.year]), {"file": upload})
    assert response.status_code == 400 and "设有打开密码" in response.content.decode()
