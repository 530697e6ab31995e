"""End to end in Debian's Chromium on a phone-sized screen: a commune collaborator fills the
needs survey form, leaves it half done and finds it again, opens it again with the network
cut (from the service worker's copy), saves it without a network,
and the response reaches the office once the network is back — once, even when the phone
sends it a second time."""

import datetime

import pytest
from django.utils import timezone

from conftest import read_db
from khuyencong.accounts.factories import PASSWORD, UserFactory
from khuyencong.core.roles import Role
from khuyencong.places.factories import CommuneFactory, ProvinceFactory
from khuyencong.surveys import services
from khuyencong.surveys.models import Need, SurveyResponse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def outbox(page) -> int:
    return page.evaluate("(JSON.parse(localStorage.getItem('kc-survey-outbox')) || []).length")


def test_a_response_saved_offline_arrives_once(page):
    province = ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")
    commune = CommuneFactory(code="24100", name="Xã Ea Kar", province=province)
    manager = UserFactory(username="giamdoc", role=Role.PROVINCIAL_MANAGER, province=province)
    UserFactory(username="ctv", role=Role.COLLABORATOR, province=province, communes=[commune])
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=manager,
        data={
            "province": province,
            "year": today.year,
            "title": "Khảo sát nhu cầu",
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=30),
        },
    )
    base = page.base_url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ctv")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")

    form_url = f"{base}/surveys/campaigns/{campaign.pk}/respond/"
    page.goto(form_url)
    page.select_option("#id_commune", commune.pk)
    page.fill("#id_establishment_name", "Cơ sở rèn Ea Kar")
    # Leaving the page half done loses nothing: the draft is on the device.
    page.goto(f"{base}/")
    page.goto(form_url)
    assert page.input_value("#id_establishment_name") == "Cơ sở rèn Ea Kar"
    # Once opened, the form opens again without a network (the service worker kept it).
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    page.context.set_offline(True)
    page.reload()
    assert page.input_value("#id_establishment_name") == "Cơ sở rèn Ea Kar"
    page.select_option("#id_establishment_kind", "household")
    page.select_option("#id_sector", "a")
    page.select_option("#id_need1_category", "03")
    page.fill("#id_need1_description", "Máy búa hơi")
    page.fill("#id_need1_cost", "150000000")
    page.fill("#id_need1_counterpart", "60000000")

    page.click("[data-testid=survey-submit]")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=offline-status]').textContent.length > 0"
    )
    page.wait_for_timeout(500)
    assert outbox(page) == 1
    assert read_db(lambda: SurveyResponse.objects.count()) == 0
    # The form is empty again, ready for the next establishment.
    assert page.input_value("#id_establishment_name") == ""

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=offline-sent] li")
    assert outbox(page) == 0
    assert read_db(lambda: SurveyResponse.objects.count()) == 1
    stored = read_db(lambda: SurveyResponse.objects.select_related("establishment").get())
    assert stored.establishment.name == "Cơ sở rèn Ea Kar"
    assert read_db(lambda: Need.objects.get().estimated_cost) == 150_000_000

    # The phone did not hear the answer and sends the same response again: stored once.
    page.evaluate(
        """key => localStorage.setItem('kc-survey-outbox', JSON.stringify([{url: location.href,
            data: {client_key: key, commune: '24100', establishment_name: 'Cơ sở rèn Ea Kar',
                   establishment_kind: 'household', sector: 'a', need1_category: '03',
                   need1_description: 'Máy búa hơi', need1_cost: '150000000'}}]))""",
        stored.client_key,
    )
    page.reload()
    page.wait_for_function(
        "() => (JSON.parse(localStorage.getItem('kc-survey-outbox')) || []).length === 0"
    )
    assert read_db(lambda: SurveyResponse.objects.count()) == 1
    assert read_db(lambda: Need.objects.count()) == 1


def test_opened_once_online_the_form_opens_fills_and_queues_offline_and_is_sent_once(page):
    """The first opening is enough: no second visit online before going to the field."""
    province = ProvinceFactory(code="66", name="Tỉnh Đắk Lắk", short_name="Đắk Lắk")
    commune = CommuneFactory(code="24100", name="Xã Ea Kar", province=province)
    manager = UserFactory(username="giamdoc", role=Role.PROVINCIAL_MANAGER, province=province)
    UserFactory(username="ctv", role=Role.COLLABORATOR, province=province, communes=[commune])
    today = timezone.localdate()
    campaign = services.create_campaign(
        actor=manager,
        data={
            "province": province,
            "year": today.year,
            "title": "Khảo sát nhu cầu",
            "opens_on": today,
            "closes_on": today + datetime.timedelta(days=30),
        },
    )
    base = page.base_url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "ctv")
    page.fill("#id_password", PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"{base}/")

    form_url = f"{base}/surveys/campaigns/{campaign.pk}/respond/"
    page.goto(form_url)  # the one and only opening online
    page.wait_for_selector("html[data-offline-ready='1']")
    assert "thiết bị này" in page.text_content("[data-testid=offline-status]")

    page.context.set_offline(True)
    page.goto(f"{base}/surveys/campaigns/{campaign.pk}/respond/")
    page.select_option("#id_commune", commune.pk)
    page.fill("#id_establishment_name", "Cơ sở mây tre Ea Kar")
    page.select_option("#id_establishment_kind", "household")
    page.select_option("#id_sector", "a")
    page.select_option("#id_need1_category", "03")
    page.fill("#id_need1_description", "Máy chẻ nan")
    page.fill("#id_need1_cost", "150 triệu")
    page.click("[data-testid=survey-submit]")
    page.wait_for_function(
        "() => (JSON.parse(localStorage.getItem('kc-survey-outbox')) || []).length === 1"
    )
    page.wait_for_timeout(1000)  # the form tries, fails, keeps it
    assert outbox(page) == 1
    assert read_db(lambda: SurveyResponse.objects.count()) == 0

    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("[data-testid=offline-sent] li")
    # The 20-second retry and another 'online' event find nothing left to send.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(1000)
    assert outbox(page) == 0
    assert read_db(lambda: SurveyResponse.objects.count()) == 1
    assert read_db(lambda: Need.objects.get().estimated_cost) == 150_000_000
