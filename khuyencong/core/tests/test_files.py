"""Uploads leave only through core.files.serve_file: safe types, never HTML or SVG inline,
X-Accel-Redirect to nginx's internal location when configured, 404 for what is gone, and
no public /media/ folder (the apps' own tests check each view's scoping)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from khuyencong.core.files import content_type_for
from khuyencong.core.models import Job

pytestmark = pytest.mark.django_db


def job_with(user, name, content=b"data", **result):
    job = Job.objects.create(
        kind="test.file", created_by=user, status=Job.Status.SUCCEEDED, result=result
    )
    job.result_file.save(name, ContentFile(content), save=True)
    return job


def download(client, job):
    return client.get(reverse("core:job-download", args=[job.pk]))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a/anh.JPG", ("image/jpeg", True)),
        ("anh.png", ("image/png", True)),
        ("anh.webp", ("image/webp", True)),
        ("qd.pdf", ("application/pdf", True)),
        (
            "bao-cao.xlsx",
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
        ),
        ("danh-sach.csv", ("text/csv", False)),
        ("trang.html", ("application/octet-stream", False)),
        ("trang.htm", ("application/octet-stream", False)),
        ("hinh.svg", ("application/octet-stream", False)),
        ("script.js", ("application/octet-stream", False)),
        ("khong-duoi", ("application/octet-stream", False)),
        ("anh.png.html", ("application/octet-stream", False)),
    ],
)
def test_content_types_come_from_an_allow_list(name, expected):
    assert content_type_for(name) == expected


def test_the_owner_downloads_the_file_streamed_by_the_app(client_for, officer_a):
    job = job_with(officer_a, "ket-qua.xlsx", b"PK-xlsx", filename="Cơ sở 2025.xlsx")
    response = download(client_for(officer_a), job)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK-xlsx"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''C%C6%A1%20s%E1%BB%9F%202025.xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert "X-Accel-Redirect" not in response


@pytest.mark.parametrize("name", ["trang.html", "hinh.svg"])
def test_html_and_svg_are_never_shown_inline(client_for, officer_a, name):
    job = job_with(officer_a, name, b"<svg onload=alert(1)><script>alert(1)</script></svg>")
    response = download(client_for(officer_a), job)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"<svg")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_others_get_404_and_anonymous_users_the_login_page(client_for, officer_a, officer_b):
    job = job_with(officer_a, "ket-qua.csv")
    assert download(client_for(officer_b), job).status_code == 404
    anonymous = download(client_for(None), job)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_job_without_a_file_or_with_its_file_gone_is_404(client_for, officer_a):
    client = client_for(officer_a)
    empty = Job.objects.create(kind="test.file", created_by=officer_a)
    assert download(client, empty).status_code == 404
    gone = job_with(officer_a, "mat.csv")
    gone.result_file.storage.delete(gone.result_file.name)
    assert download(client, gone).status_code == 404
    with override_settings(MEDIA_ACCEL_REDIRECT="/_protected/"):
        assert download(client, gone).status_code == 404


@override_settings(MEDIA_ACCEL_REDIRECT="/_protected/")
def test_behind_nginx_the_app_answers_with_an_internal_redirect(client_for, officer_a):
    job = job_with(officer_a, "báo cáo.pdf", b"%PDF-1.4", filename="Báo cáo.pdf")
    response = download(client_for(officer_a), job)
    assert response.status_code == 200
    assert response.content == b""  # nginx sends the bytes
    stored = job.result_file.name  # jobs/out/<year>/<month>/báo_cáo.pdf
    assert response["X-Accel-Redirect"] == "/_protected/" + stored.replace("á", "%C3%A1").replace(
        " ", "%20"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")  # the view asks for it
    assert response["X-Content-Type-Options"] == "nosniff"


def test_there_is_no_public_media_folder(client_for, officer_a, settings):
    job = job_with(officer_a, "ket-qua.csv")
    for debug in (False, True):
        settings.DEBUG = debug
        assert client_for(officer_a).get(f"/media/{job.result_file.name}").status_code == 404
