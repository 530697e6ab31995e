"""The upload guard (core/uploads.py): hostile files are refused fast, photos re-encoded."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from khuyencong.core import uploads
from khuyencong.core.importing import Column, read_table
from khuyencong.core.uploads import (
    FileRejected,
    check_attachment,
    check_spreadsheet,
    clean_image,
    sniff,
)
from khuyencong.programmes.pages.forms import DocumentForm
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.forms import ProductForm
from khuyencong.registry.models import ProductPhoto

COLUMNS = (Column("code", "Mã", required=True), Column("name", "Tên", required=True))


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb_xlsx() -> bytes:
    """A real workbook with one more member: 200 MB of zeros, deflated to a few hundred KB."""
    buffer = io.BytesIO()
    original = io.BytesIO(xlsx([["Mã", "Tên"], ["1", "a"]]))
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb,
    ):
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        with bomb.open("xl/worksheets/sheet2.xml", "w") as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb_xlsx()


def png(width=40, height=30, **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG", **save)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG declaring huge dimensions with almost no data (a decompression bomb's head)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


# Spreadsheets -------------------------------------------------------------------------------


def test_a_zip_bomb_xlsx_is_refused_fast_from_its_directory(bomb, monkeypatch):
    assert len(bomb) < 2 * 1024 * 1024  # small on the wire
    # Refused before openpyxl is ever asked to open it.
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("parsed"))
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(FileRejected) as rejected:
        read_table(bomb, columns=COLUMNS, filename="bomb.xlsx", field="File to import")
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 1
    assert peak < 20 * 1024 * 1024  # nothing was inflated
    message = rejected.value.message
    assert "“bomb.xlsx” (File to import) was refused" in message
    assert "more than 100 MB" in message


def test_the_zip_bomb_is_refused_on_the_import_page_in_vietnamese(bomb, officer_a, client_for):
    client = client_for(officer_a)
    client.get(reverse("registry:import"))  # templates and catalogues loaded once
    # CPU time of this process: the machine running the suite may be busy with others.
    started = time.process_time()
    with translation.override("vi"):
        response = client.post(
            reverse("registry:import"), {"file": SimpleUploadedFile("co-so.xlsx", bomb)}
        )
    assert time.process_time() - started < 1
    assert response.status_code == 200
    page = response.content.decode()
    assert "“co-so.xlsx” (Tệp cần nhập) bị từ chối" in page


def test_a_highly_compressed_member_is_refused_even_when_small_in_total():
    buffer = io.BytesIO()
    original = io.BytesIO(xlsx([["Mã", "Tên"]]))
    with (
        zipfile.ZipFile(original) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for item in source.infolist():
            archive.writestr(item, source.read(item))
        archive.writestr("xl/sharedStrings2.xml", b"a" * (20 * 1024 * 1024))  # ratio ~1000
    with pytest.raises(FileRejected, match="compressed more than 100 times"):
        check_spreadsheet(buffer.getvalue(), filename="a.xlsx")


def test_an_xlsx_that_is_really_html_is_refused_by_its_content():
    page = b"<!DOCTYPE html><html><body><table><tr><td>M\xc3\xa3</td></tr></table></body></html>"
    with pytest.raises(FileRejected) as rejected:
        read_table(page, columns=COLUMNS, filename="danh-sach.xlsx", field="File to import")
    assert rejected.value.message.startswith(
        "“danh-sach.xlsx” (File to import) is not really an Excel workbook (.xlsx): "
        "its content is a web page (HTML)."
    )


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (b"%PDF-1.7\n", "a.csv", "a PDF document"),
        (b"MZ\x90\x00\x03", "a.csv", "a program"),
        (b"\x89PNG\r\n\x1a\n\0\0", "a.xlsx", "a PNG image"),
    ],
)
def test_the_real_type_wins_over_the_name(data, name, kind):
    with pytest.raises(FileRejected, match=f"its content is {kind}"):
        check_spreadsheet(data, filename=name)


def test_a_word_document_named_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(FileRejected, match=r"its content is a Word document \(.docx\)"):
        check_spreadsheet(buffer.getvalue(), filename="a.xlsx")


def test_the_size_is_checked_before_the_file_is_read(monkeypatch):
    class Upload(io.BytesIO):
        name = "big.csv"
        size = 6 * 1024 * 1024

        def read(self, *args):
            pytest.fail("read before the size was checked")

    with pytest.raises(FileRejected, match=r"is 6,0 MB; the limit is 5 MB"):
        check_spreadsheet(Upload(), field="File to import")


def test_a_cell_far_to_the_right_is_refused_while_streaming():
    workbook = openpyxl.Workbook()
    workbook.active.append(["Mã", "Tên"])
    workbook.active.append(["1", "a"])
    workbook.active.cell(row=3, column=uploads.MAX_COLUMNS + 5, value="x")
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(FileRejected, match="cells beyond column 500"):
        read_table(buffer.getvalue(), columns=COLUMNS, filename="a.xlsx")


def test_empty_cells_far_to_the_right_are_ignored():
    data = ("Mã,Tên" + "," * 900 + "\n1,a" + "," * 900 + "\n").encode()
    table = read_table(data, columns=COLUMNS, filename="a.csv")
    assert table.rows[0].values == {"code": "1", "name": "a"}


def test_a_csv_row_beyond_the_column_limit_is_refused():
    data = ("Mã,Tên\n1,a" + ",x" * 600 + "\n").encode()
    with pytest.raises(FileRejected, match="cells beyond column 500"):
        read_table(data, columns=COLUMNS, filename="a.csv")


def test_rows_are_limited_while_streaming_blank_ones_included():
    data = ("Mã,Tên\n1,a\n" + "\n" * 200 + "2,b\n").encode()
    assert len(read_table(data, columns=COLUMNS, filename="a.csv", max_rows=5).rows) == 2
    sparse = ("Mã,Tên\n1,a\n" + ",\n" * 5_100 + "2,b\n").encode()
    with pytest.raises(FileRejected, match="more than 5 rows"):
        read_table(sparse, columns=COLUMNS, filename="a.csv", max_rows=5)


def test_sniffing_reads_content_not_names():
    assert sniff(b"PK\x03\x04rest") == "zip"
    assert sniff(b"\xef\xbb\xbfM\xc3\xa3,T\xc3\xaan\r\n") == "text"
    assert sniff("Mã\tTên".encode("utf-16")) == "text"
    assert sniff(b"  \n<html><head>") == "html"
    assert sniff(b"<?xml version='1.0'?><svg/>") == "xml"
    assert sniff(b"\x00\x01\x02") == "binary"


# Photos -------------------------------------------------------------------------------------


def test_a_png_with_a_trailing_payload_is_re_encoded_without_it():
    payload = b"<?php system($_GET['c']); ?>"
    original = png(pnginfo=_text_chunk("Comment", "secret GPS 12.68,108.04")) + payload
    cleaned = clean_image(SimpleUploadedFile("sp.png", original), field="Photo")
    data = cleaned.read()
    assert payload not in data
    assert b"secret GPS" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)
        assert image.getpixel((1, 1)) == (200, 30, 30)
    assert cleaned.name == "sp.png"


def _text_chunk(key: str, value: str):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


def test_a_jpeg_loses_its_exif_metadata():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker-Secret"
    Image.new("RGB", (20, 20), "white").save(buffer, format="JPEG", exif=exif.tobytes())
    assert b"CameraMaker-Secret" in buffer.getvalue()
    cleaned = clean_image(SimpleUploadedFile("a.jpg", buffer.getvalue()), field="Photo")
    assert b"CameraMaker-Secret" not in cleaned.read()


def test_a_decompression_bomb_image_is_refused_before_decoding():
    started = time.perf_counter()
    with pytest.raises(FileRejected, match="too large an image"):
        clean_image(SimpleUploadedFile("bomb.png", png_header_only(60_000, 60_000)), field="Photo")
    assert time.perf_counter() - started < 1


def test_a_program_named_jpg_is_not_a_photo():
    with pytest.raises(
        FileRejected, match="not really a JPEG, PNG or WebP photo: its content is a program"
    ):
        clean_image(SimpleUploadedFile("a.jpg", b"MZ\x90\x00" + b"\0" * 100), field="Photo")


def test_the_product_form_stores_the_re_encoded_photo(officer_a, commune_a1, client_for):
    establishment = EstablishmentFactory(commune=commune_a1)
    payload = b"<script>alert(1)</script>"
    response = client_for(officer_a).post(
        reverse("registry:product-add", args=[establishment.pk]),
        {"name": "Mành tre", "photo": SimpleUploadedFile("m.png", png() + payload)},
    )
    assert response.status_code == 302
    stored = ProductPhoto.objects.get(product__establishment=establishment)
    with stored.image.open("rb") as file:
        assert payload not in file.read()


def test_the_product_form_names_the_field_of_a_fake_photo():
    form = ProductForm(
        {"name": "x"}, {"photo": SimpleUploadedFile("a.png", b"<html><body>hi</body></html>")}
    )
    assert not form.is_valid()
    assert form.errors["photo"] == [
        "“a.png” (Photo) is not really a JPEG, PNG or WebP photo: its content is a web page "
        "(HTML). Open it in the program that made it, save it in the right format and upload "
        "it again."
    ]


# Attachments ---------------------------------------------------------------------------------


def test_an_attachment_must_be_a_document_or_a_scan():
    assert check_attachment(SimpleUploadedFile("qd.pdf", b"%PDF-1.7\n...")).name == "qd.pdf"
    with pytest.raises(FileRejected, match="cannot be attached: its content is a web page"):
        check_attachment(SimpleUploadedFile("qd.pdf", b"<html><script>x</script></html>"))


def test_a_zip_bomb_docx_attachment_is_refused(bomb):
    form = DocumentForm(
        {"kind": "decision", "title": "QĐ"}, {"file": SimpleUploadedFile("qd.docx", bomb)}
    )
    assert not form.is_valid()
    assert "“qd.docx” (File) was refused" in form.errors["file"][0]


def test_a_scanned_attachment_is_re_encoded():
    cleaned = check_attachment(SimpleUploadedFile("scan.png", png() + b"PAYLOAD"))
    assert b"PAYLOAD" not in cleaned.read()
