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


def test_the_schema_documents_the_error_answers(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]

    def codes(path, method):
        return set(paths[path][method]["responses"])

    assert codes("/api/v1/auth/token/", "post") == {"200", "400", "415", "429"}
    assert codes("/api/v1/provinces/", "get") == {"200", "400", "401"}
    assert codes("/api/v1/establishments/", "post") == {"201", "400", "401", "403", "415"}
    assert codes("/api/v1/establishments/{id}/", "get") == {"200", "401", "404"}
    assert codes("/api/v1/establishments/{id}/", "patch") == {
        "200", "400", "401", "403", "404", "409", "415",
    }  # fmt: skip
    assert codes("/api/v1/establishments/{id}/", "delete") == {"204", "401", "403", "404", "409"}
    assert codes("/api/v1/users/", "get") >= {"401", "403"}
    conflict = paths["/api/v1/establishments/{id}/"]["patch"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Detail"
    }
    assert {"Detail", "ValidationError"} <= set(schema["components"]["schemas"])


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
    # Swagger UI's start-up script is a file of its own (no inline script: the CSP).
    assert "/api/docs/?script=" in assets
    assert "<script>" not in html
    assert all(url.startswith("/static/") or url == "/api/docs/?script=" for url in assets), assets
    # A CDN host such as cdn.jsdelivr.net (a bare "cdn" may turn up in the page's random
    # CSRF token, which has no dots).
    assert not re.search(r"cdn[a-z0-9-]*\.", html, re.IGNORECASE)
    assert not re.search(r"https?://(?!testserver)", " ".join(assets))
    assert "//" not in "".join(assets)
    for url in assets:
        served = client.get(url)
        assert served.status_code == 200, url
        if url.endswith("?script="):
            assert served["Content-Type"].startswith("application/javascript")
            assert "/api/schema/" in served.content.decode()
        b"".join(served.streaming_content if served.streaming else [served.content])


def test_the_report_responses_describe_periods_and_indicator_rows_alike(client, db):
    """One definition (api/report_schema.py) for the summary, a submitted snapshot and a
    consolidation: the same leading fields, in the same order, then each one's own."""
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    def fields(name):
        return list(components[name]["properties"].items())

    row = fields("SummaryIndicator")[:8]
    assert [name for name, _field in row] == [
        "code", "name", "unit", "value", "plan", "percent_of_plan", "previous", "change_percent",
    ]  # fmt: skip
    for name, own in (
        ("SummaryIndicator", ["source", "note", "completeness", "comparable",
                              "comparable_note", "previous_source"]),
        ("SubmissionSnapshotIndicator", ["source", "note"]),
        ("ConsolidationIndicator", ["provinces", "note"]),
    ):  # fmt: skip
        assert fields(name)[:8] == row
        assert [key for key, _field in fields(name)[8:]] == own
    period = fields("ReportSummary")[:5]
    assert [name for name, _field in period] == [
        "unit",
        "unit_label",
        "start",
        "end",
        "period_label",
    ]
    for name in ("SubmissionSnapshot", "ReportConsolidation"):
        assert fields(name)[:5] == period
    source = components["SubmissionSnapshotIndicator"]["properties"]["source"]["description"]
    assert source == "`records`, `aggregates`, `mixed` or `none`."
