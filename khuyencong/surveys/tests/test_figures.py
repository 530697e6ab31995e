"""The needs survey records the establishment's workers and revenue of the previous year as
its yearly figures (source "survey", history kept, the other figures of that year kept)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from khuyencong.api.tests.test_surveys import api, response_body
from khuyencong.registry import services as registry
from khuyencong.registry.models import YearlyFigure
from khuyencong.surveys import services
from khuyencong.surveys.models import SurveyResponse
from khuyencong.surveys.tests.test_pages import form_data, url

BILLION = 1_000_000_000


def last_year() -> int:
    return timezone.localdate().year - 1


def test_the_page_records_the_figures_of_the_previous_year(
    client_for, campaign, collaborator_a1, commune_a1, establishment_a1, officer_a
):
    registry.record_yearly_figure(
        actor=officer_a,
        establishment=establishment_a1,
        data={"year": last_year(), "workers": 8, "capital": 3 * BILLION},
    )
    client = client_for(collaborator_a1)
    page = client.post(
        url("respond", campaign.pk),
        form_data(
            commune_a1,
            establishment=str(establishment_a1.pk),
            previous_year_workers="12",
            previous_year_revenue="1,2 tỷ",
        ),
        HTTP_ACCEPT="application/json",
    )
    assert page.status_code == 201, page.content
    figure = YearlyFigure.objects.get(establishment=establishment_a1, year=last_year())
    assert (figure.workers, figure.revenue) == (12, 1_200_000_000)
    assert figure.capital == 3 * BILLION  # the other figure of the year is kept
    assert figure.source == YearlyFigure.Source.SURVEY and figure.version == 2
    history = list(figure.history.order_by("history_date"))
    assert [(h.source, h.workers) for h in history] == [("declared", 8), ("survey", 12)]
    assert history[-1].history_user == collaborator_a1


def test_a_plain_form_registers_the_establishment_with_its_figures(
    client_for, campaign, officer_a, commune_a1
):
    page = client_for(officer_a).post(
        url("respond", campaign.pk), form_data(commune_a1, previous_year_revenue="350 triệu")
    )
    assert page.status_code == 302
    response = SurveyResponse.objects.get()
    figure = response.establishment.yearly_figures.get()
    assert (figure.year, figure.workers, figure.revenue) == (last_year(), None, 350_000_000)
    assert figure.source == "survey"


def test_no_figures_given_records_none(client_for, campaign, officer_a, commune_a1):
    page = client_for(officer_a).post(url("respond", campaign.pk), form_data(commune_a1))
    assert page.status_code == 302
    assert not YearlyFigure.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"previous_year_revenue": "nhiều tiền"}, "previous_year_revenue"),
        ({"previous_year_revenue": "-5 triệu"}, "previous_year_revenue"),
        ({"previous_year_workers": "-1"}, "previous_year_workers"),
        ({"previous_year_workers": "mười"}, "previous_year_workers"),
    ],
)
def test_a_bad_figure_on_the_page_is_named_and_changes_nothing(
    client_for, campaign, officer_a, commune_a1, change, field
):
    page = client_for(officer_a).post(
        url("respond", campaign.pk), form_data(commune_a1, **change), HTTP_ACCEPT="application/json"
    )
    assert page.status_code == 400 and field in page.json()["errors"]
    assert not SurveyResponse.objects.exists() and not YearlyFigure.objects.exists()


def test_the_api_records_the_figures(campaign, officer_a, commune_a1):
    reply = api(officer_a).post(
        "/api/v1/survey-responses/",
        response_body(
            campaign,
            commune_a1,
            previous_year_workers=7,
            previous_year_revenue=900_000_000,
            collected_on="2025-03-10",
        ),
        format="json",
    )
    assert reply.status_code == 201, reply.json()
    figure = YearlyFigure.objects.get(establishment_id=reply.json()["establishment"])
    assert (figure.year, figure.workers, figure.revenue) == (2024, 7, 900_000_000)
    assert figure.source == YearlyFigure.Source.SURVEY


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"previous_year_workers": -3}, "previous_year_workers"),
        ({"previous_year_workers": "nhiều"}, "previous_year_workers"),
        ({"previous_year_revenue": -1}, "previous_year_revenue"),
        ({"previous_year_revenue": 1.5}, "previous_year_revenue"),
    ],
)
def test_a_bad_figure_through_the_api_is_a_400_naming_it(
    campaign, officer_a, commune_a1, change, field
):
    reply = api(officer_a).post(
        "/api/v1/survey-responses/", response_body(campaign, commune_a1, **change), format="json"
    )
    assert reply.status_code == 400 and field in reply.json()
    assert not SurveyResponse.objects.exists() and not YearlyFigure.objects.exists()


def test_the_service_refuses_a_bad_figure_naming_it(respond):
    with pytest.raises(services.SurveyError) as refused:
        respond(previous_year_workers=True)
    assert refused.value.field == "previous_year_workers"
    with pytest.raises(services.SurveyError) as refused:
        respond(previous_year_revenue="1,5")
    assert refused.value.field == "previous_year_revenue"
    assert not SurveyResponse.objects.exists() and not YearlyFigure.objects.exists()


def test_a_retry_with_the_same_key_records_nothing_twice(respond, officer_a):
    response, created = respond(client_key="same", previous_year_workers=4)
    again, created_again = respond(client_key="same", previous_year_workers=40)
    assert created and not created_again and again.pk == response.pk
    figure = YearlyFigure.objects.get()
    assert figure.workers == 4 and figure.version == 1
    assert figure.year == last_year()
