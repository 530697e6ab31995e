import datetime

import pytest

from khuyencong.registry.eligibility import evaluate, rule_in_force
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import EligibilityRule, Establishment, Sector

pytestmark = pytest.mark.django_db
AFTER_2025 = datetime.date(2026, 1, 1)
BEFORE_2025 = datetime.date(2024, 1, 1)


def failed(result):
    return [c for c in result.checks if not c.passed]


def test_an_active_household_in_a_rural_commune_may_be_supported(commune_a1):
    establishment = EstablishmentFactory(commune=commune_a1)
    result = evaluate(establishment, AFTER_2025)
    assert result.eligible
    assert result.rule.name.startswith("Nghị định 235")
    assert len(result.checks) == 4


def test_the_rule_in_force_depends_on_the_date():
    assert rule_in_force(BEFORE_2025).effective_from == datetime.date(2012, 7, 1)
    assert rule_in_force(datetime.date(2025, 10, 15)).effective_from == datetime.date(2025, 10, 15)
    assert rule_in_force(datetime.date(2000, 1, 1)) is None


def test_artisans_are_beneficiaries_only_from_15_october_2025(commune_a1):
    artisan = EstablishmentFactory(commune=commune_a1, kind=Establishment.Kind.ARTISAN)
    assert not evaluate(artisan, BEFORE_2025).eligible
    assert len(failed(evaluate(artisan, BEFORE_2025))) == 1
    assert evaluate(artisan, datetime.date(2025, 10, 15)).eligible


def test_a_ward_is_not_a_place_of_support(commune_a2):
    result = evaluate(EstablishmentFactory(commune=commune_a2), AFTER_2025)
    assert not result.eligible
    assert commune_a2.name in failed(result)[0].explanation


def test_a_ceased_establishment_is_not_supported(commune_a1):
    result = evaluate(
        EstablishmentFactory(commune=commune_a1, status=Establishment.Status.CEASED), AFTER_2025
    )
    assert not result.eligible
    assert len(failed(result)) == 1


def test_a_sector_left_out_of_the_rule_is_refused_and_conditions_are_shown(commune_a1):
    rule = rule_in_force(AFTER_2025)
    rule.sectors = [code for code in rule.sectors if code != "b"]
    rule.save()
    assert not evaluate(
        EstablishmentFactory(commune=commune_a1, sector=Sector.objects.get(code="b")), AFTER_2025
    ).eligible
    mining = evaluate(
        EstablishmentFactory(commune=commune_a1, sector=Sector.objects.get(code="e")), AFTER_2025
    )
    assert mining.eligible
    assert mining.conditions  # "only in difficult areas"


def test_without_any_rule_nothing_is_eligible(commune_a1):
    EligibilityRule.objects.all().delete()
    result = evaluate(EstablishmentFactory(commune=commune_a1), AFTER_2025)
    assert not result.eligible
    assert result.rule is None
