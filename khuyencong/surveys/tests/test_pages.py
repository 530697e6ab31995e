from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from khuyencong.programmes.models import Project
from khuyencong.surveys import services
from khuyencong.surveys.models import Application, Need, SurveyCampaign, SurveyResponse
from khuyencong.surveys.tests.conftest import MILLION
from khuyencong.surveys.tests.test_kobo import row, xlsx
from khuyencong.surveys.tests.test_services import application_data


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


def form_data(commune, key="k-1", **overrides):
    data = {
        "client_key": key,
        "commune": commune.pk,
        "establishment_name": "Cơ sở đan lát Ea Kar",
        "establishment_kind": "household",
        "sector": "a",
        "need1_category": "03",
        "need1_description": "Máy chẻ tre",
        "need1_cost": str(80 * MILLION),
        "need1_counterpart": str(30 * MILLION),
        "need1_priority": "1",
        "q_workers": "5",
        "collected_on": timezone.localdate().isoformat(),
    }
    data.update(overrides)
    return data


def test_campaign_pages(client_for, manager_a, province_a):
    client = client_for(manager_a)
    today = timezone.localdate()
    page = client.post(
        url("campaign-create"),
        {
            "province": province_a.pk,
            "title": "Khảo sát 2026",
            "year": today.year,
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=60)).isoformat(),
            "questions": "workers | Số lao động | number\nexport | Có xuất khẩu? | yes_no",
        },
    )
    campaign = SurveyCampaign.objects.get()
    assert page.status_code == 302
    assert [q["kind"] for q in campaign.questions] == ["number", "yes_no"]
    assert client.get(url("campaign-detail", campaign.pk)).status_code == 200
    assert client.get(url("campaign-list")).status_code == 200
    xlsform = client.get(url("campaign-xlsform", campaign.pk))
    assert xlsform["Content-Type"].startswith("application/vnd.openxmlformats")
    bad = client.post(
        url("campaign-create"),
        {
            "province": province_a.pk,
            "title": "x",
            "year": today.year,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "questions": "Bad Key | label | number",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors["questions"]


def test_the_phone_form_answers_json_and_stores_once(
    client_for, campaign, collaborator_a1, commune_a1
):
    client = client_for(collaborator_a1)
    page = client.get(url("respond", campaign.pk))
    assert page.status_code == 200
    assert page.context["form"]["client_key"].value()  # a key even without JavaScript
    first = client.post(
        url("respond", campaign.pk), form_data(commune_a1), HTTP_ACCEPT="application/json"
    )
    assert first.status_code == 201 and first.json()["created"] is True
    again = client.post(
        url("respond", campaign.pk), form_data(commune_a1), HTTP_ACCEPT="application/json"
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert SurveyResponse.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert response.answers == {"workers": 5}
    assert response.collected_by == collaborator_a1
    detail = client.get(url("response-detail", response.pk))
    assert detail.status_code == 200


def test_the_phone_form_returns_field_errors(
    client_for, campaign, officer_a, commune_a1, commune_b1
):
    client = client_for(officer_a)
    bad = client.post(
        url("respond", campaign.pk),
        form_data(commune_a1, need1_cost="-5", establishment_kind=""),
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    assert "need1_cost" in bad.json()["errors"]
    outside = client.post(
        url("respond", campaign.pk), form_data(commune_b1), HTTP_ACCEPT="application/json"
    )
    assert outside.status_code == 400 and "commune" in outside.json()["errors"]
    missing_kind = client.post(
        url("respond", campaign.pk),
        form_data(commune_a1, establishment_kind=""),
        HTTP_ACCEPT="application/json",
    )
    assert missing_kind.status_code == 400
    assert "establishment_kind" in missing_kind.json()["errors"]
    assert not SurveyResponse.objects.exists()


def test_the_form_without_javascript(client_for, campaign, officer_a, commune_a1):
    page = client_for(officer_a).post(url("respond", campaign.pk), form_data(commune_a1))
    assert page.status_code == 302
    assert SurveyResponse.objects.count() == 1


def test_scoping_of_survey_pages(client_for, campaign, respond, officer_b, auditor_a):
    response, _ = respond()
    other = client_for(officer_b)
    for name, arg in (
        ("campaign-detail", campaign.pk),
        ("respond", campaign.pk),
        ("campaign-xlsform", campaign.pk),
        ("response-detail", response.pk),
    ):
        assert other.get(url(name, arg)).status_code == 404, name
    assert other.get(url("need-list")).context["share"]["needs"] == 0
    reader = client_for(auditor_a)
    assert reader.get(url("campaign-detail", campaign.pk)).status_code == 200
    assert reader.get(url("respond", campaign.pk)).status_code == 403
    assert reader.get(url("kobo-import", campaign.pk)).status_code == 403


def test_kobo_import_page(client_for, campaign, manager_a, commune_a1):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(manager_a)
    bad = client.post(
        url("kobo-import", campaign.pk),
        {
            "file": SimpleUploadedFile(
                "export.xlsx", xlsx([row(commune_a1.pk, "u-1", "X", **{"need1/need1_cost": "?"})])
            )
        },
    )
    assert bad.status_code == 200
    assert bad.context["errors"][0]["row"] == 2
    assert "need1/need1_cost" in bad.context["errors"][0]["column"]
    assert not SurveyResponse.objects.exists()
    good = client.post(
        url("kobo-import", campaign.pk),
        {"file": SimpleUploadedFile("export.xlsx", xlsx([row(commune_a1.pk, "u-1", "Cơ sở A")]))},
    )
    assert good.status_code == 302
    assert SurveyResponse.objects.filter(source="kobo").count() == 1


def test_need_list_and_turning_needs_into_a_project(
    client_for, respond, manager_a, officer_a, django_assert_max_num_queries
):
    from khuyencong.places.factories import CommuneFactory

    for index in range(3):
        respond(
            establishment_details={"name": f"Cơ sở {index}", "kind": "household", "sector": "a"}
        )
    # Queries do not grow with the communes offered in the filter.
    for index in range(15):
        CommuneFactory(code=f"249{index:02d}", province=manager_a.province)
    client = client_for(manager_a)
    client.get(url("need-list"))
    with django_assert_max_num_queries(12):
        page = client.get(url("need-list") + "?by=category")
    assert page.context["summary"][0]["needs"] == 3
    ids = [str(pk) for pk in Need.objects.values_list("pk", flat=True)[:2]]
    created = client.post(
        url("needs-to-project"), {"need": ids, "year": "2027", "funding_level": "national"}
    )
    project = Project.objects.get()
    assert created.status_code == 302 and created["Location"].endswith(f"/{project.pk}/")
    assert Need.objects.filter(project=project).count() == 2
    refused = client_for(officer_a).post(
        url("needs-to-project"), {"need": ids, "year": "2027", "funding_level": "national"}
    )
    assert refused.status_code == 403
    open_only = client.get(url("need-list") + "?state=open")
    assert open_only.context["page"].paginator.count == 1


def test_application_triage_page(client_for, commune_a1, officer_a, officer_b):
    application = services.submit_application(data=application_data(commune_a1), channel="web")
    assert client_for(officer_b).get(url("application-detail", application.pk)).status_code == 404
    client = client_for(officer_a)
    listing = client.get(url("application-list"))
    assert listing.context["page"].paginator.count == 1
    refused = client.post(url("application-detail", application.pk), {"decision": "reject"})
    assert refused.status_code == 200 and refused.context["form"].errors["note"]
    accepted = client.post(url("application-detail", application.pk), {"decision": "accept"})
    assert accepted.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.ACCEPTED
    assert Need.objects.filter(application=application).exists()


@pytest.mark.parametrize("name", ["campaign-list", "need-list", "application-list"])
def test_lists_need_a_login(client, name):
    assert client.get(url(name)).status_code == 302


def test_overview_counts_needs_and_applications(
    client_for, respond, commune_a1, officer_a, officer_b
):
    respond()
    services.submit_application(data=application_data(commune_a1), channel="web")
    page = client_for(officer_a).get(reverse("core:home"))
    (section,) = [s for s in page.context["sections"] if s.template == "surveys/dashboard.html"]
    assert section.data["share"]["needs"] == 1 and section.data["waiting"] == 1
    other = client_for(officer_b).get(reverse("core:home"))
    (section,) = [s for s in other.context["sections"] if s.template == "surveys/dashboard.html"]
    assert section.data["share"]["needs"] == 0 and section.data["waiting"] == 0


def test_a_collaborator_editing_a_campaign_gets_404_not_a_server_error(
    client_for, collaborator_a1, campaign
):
    for pk in (campaign.pk, 987654321):
        assert client_for(collaborator_a1).get(f"/surveys/campaigns/{pk}/edit/").status_code == 404


# --- the lists (core.pages.list_page) -------------------------------------------------------


def _copies(need, n, **changes):
    """``n`` copies of a need (same response, establishment, category), with ``changes``."""
    copies = []
    for _ in range(n):
        copy = Need.objects.get(pk=need.pk)
        copy.pk = None
        for name, value in changes.items():
            setattr(copy, name, value)
        copies.append(copy)
    return Need.objects.bulk_create(copies)


def test_need_list_shows_this_year_until_asked_and_pages_by_50(
    client_for, respond, manager_a, national, django_assert_max_num_queries
):
    respond()
    need = Need.objects.get()
    year = need.year
    _copies(need, 50)
    _copies(need, 3, year=year - 1)
    client = client_for(manager_a)
    with django_assert_max_num_queries(12):
        first = client.get(url("need-list"))
    assert first.context["page"].paginator.count == 51
    assert len(first.context["page"]) == 50
    assert first.context["share"]["needs"] == 51
    assert first.context["filter"].form["year"].value() == str(year)
    with django_assert_max_num_queries(12):
        second = client.get(url("need-list"), {"page": 2})
    assert len(second.context["page"]) == 1  # page 2 of this year's needs
    assert client.get(url("need-list"), {"year": ""}).context["page"].paginator.count == 54
    last_year = client.get(url("need-list"), {"year": year - 1})
    assert last_year.context["page"].paginator.count == 3
    assert last_year.context["summary"][0]["needs"] == 3
    # A filter the page cannot read lists every need, unfiltered, and says why.
    for query in ({"year": "1999"}, {"state": "no-such-state"}, {"year": "2101", "state": "met"}):
        unread = client.get(url("need-list"), query)
        assert unread.context["page"].paginator.count == 54
        assert unread.context["share"]["needs"] == 54
        assert unread.context["filter"].errors
    html = client.get(url("need-list")).content.decode()
    assert '<option value="" selected>' + gettext("All needs") + "</option>" in html
    # A national user has no commune to pick: naming one is a filter it cannot read.
    national_page = client_for(national).get(
        url("need-list"), {"commune": need.commune_id, "year": year - 1}
    )
    assert national_page.context["page"].paginator.count == 54


def test_need_list_filters_by_commune_and_category(
    client_for, respond, manager_a, commune_a1, commune_a2
):
    respond()
    need = Need.objects.get()
    _copies(need, 2, commune=commune_a2)
    client = client_for(manager_a)
    in_a2 = client.get(url("need-list"), {"commune": commune_a2.pk})
    assert in_a2.context["page"].paginator.count == 2
    assert f">{commune_a2.name}</option>" in in_a2.content.decode()
    other = client.get(url("need-list"), {"category": "01"})
    assert other.context["page"].paginator.count == 0
    assert other.context["share"]["needs"] == 0
    assert client.get(url("need-list"), {"category": "03"}).context["share"]["needs"] == 3


def test_application_list_by_status_and_page(
    client_for, commune_a1, officer_a, django_assert_max_num_queries
):
    for n in range(26):
        services.submit_application(
            data=application_data(commune_a1, establishment_name=f"Cơ sở {n}"), channel="web"
        )
    Application.objects.filter(establishment_name="Cơ sở 0").update(
        status=Application.Status.REJECTED
    )
    client = client_for(officer_a)
    with django_assert_max_num_queries(12):
        first = client.get(url("application-list"))
    assert first.context["page"].paginator.count == 26 and len(first.context["page"]) == 25
    newest = list(Application.objects.order_by("-submitted_at").values_list("pk", flat=True))
    with django_assert_max_num_queries(12):
        second = client.get(url("application-list"), {"page": 2})
    assert [a.pk for a in second.context["page"]] == newest[25:]
    rejected = client.get(url("application-list"), {"status": "rejected"})
    assert [a.establishment_name for a in rejected.context["page"]] == ["Cơ sở 0"]
    assert rejected.context["status"] == "rejected"
    assert ("rejected", Application.Status.REJECTED.label, 1) in rejected.context["statuses"]
    # A status that is not one lists every application, as "All" does.
    unknown = client.get(url("application-list"), {"status": "lost"})
    assert unknown.status_code == 200 and unknown.context["page"].paginator.count == 26
    assert unknown.context["status"] == "lost"


def test_campaign_list_and_responses_page(
    client_for, campaign, respond, manager_a, province_a, django_assert_max_num_queries
):
    today = timezone.localdate()
    SurveyCampaign.objects.bulk_create(
        SurveyCampaign(
            province=province_a,
            year=2000 + n,
            title=f"Khảo sát {n}",
            opens_on=today,
            closes_on=today,
            questions=[],
        )
        for n in range(25)
    )
    client = client_for(manager_a)
    with django_assert_max_num_queries(12):
        first = client.get(url("campaign-list"))
    assert first.context["page"].paginator.count == 26
    assert first.context["page"][0] == campaign  # newest year first
    with django_assert_max_num_queries(12):
        second = client.get(url("campaign-list"), {"page": 2})
    assert [c.title for c in second.context["page"]] == ["Khảo sát 0"]
    for n in range(3):
        respond(establishment_details={"name": f"Cơ sở {n}", "kind": "household", "sector": "a"})
    client.get(url("campaign-detail", campaign.pk))
    with django_assert_max_num_queries(25):
        detail = client.get(url("campaign-detail", campaign.pk))
    responses = list(detail.context["page"])
    assert len(responses) == 3 and {r.need_count for r in responses} == {1}
    assert detail.context["campaign"] == campaign and detail.context["share"]["needs"] == 3
