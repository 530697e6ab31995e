import re

from django.core.management import call_command


def test_the_schema_generates_and_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = target.read_text()
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/users/",
        "/api/v1/provinces/",
        "/api/v1/legacy-provinces/",
        "/api/v1/communes/",
        "/api/v1/regions/{code}/",
        "/api/v1/establishments/{id}/",
    ):
        assert f"{path}:" in schema


def test_the_schema_is_served(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    assert "/api/v1/establishments/" in response.json()["paths"]


def test_the_docs_use_only_local_assets(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert assets
    assert all(url.startswith("/static/") for url in assets), assets
    assert "cdn" not in html.lower()
    assert "//" not in "".join(assets)
    for url in assets:
        served = client.get(url)
        assert served.status_code == 200, url
        b"".join(served.streaming_content if served.streaming else [served.content])
