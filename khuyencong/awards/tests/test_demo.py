"""The demo shows every part of the awards: a legacy district round, closed province rounds
with certified and refused products (one exactly at the pass mark), every product scored by
the whole council, region
rounds whose products hold valid province certificates, complaints (one overdue) and this
year's round being scored."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from khuyencong.awards import certificates, services
from khuyencong.awards.models import AwardComplaint, AwardEntry, AwardRound, ScoreSheet
from khuyencong.core.tests.test_seed_demo import demo_places  # noqa: F401  (fixture)
from khuyencong.places.factories import RegionFactory
from khuyencong.places.models import Province


def test_the_demo_has_every_part_of_the_awards(demo_places):  # noqa: F811
    north = RegionFactory(code="bac", name="Khu vực phía Bắc")
    north.provinces.set([Province.objects.get(pk="01")])
    south = RegionFactory(code="nam", name="Khu vực Tây Nguyên và phía Nam")
    south.provinces.set(Province.objects.filter(pk__in=["66", "82"]))
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "award rounds" in out.getvalue()
    today = services.today()
    for code in ("01", "66", "82"):
        rounds = AwardRound.objects.filter(province=code)
        assert rounds.filter(level="district", year=2023, status="closed").exists()
        for year in (2023, 2025):
            round = rounds.get(level="province", year=year)
            assert round.status == "closed" and round.council_size == 7
            entries = AwardEntry.objects.filter(round=round)
            assert 8 <= entries.count() <= 12
            assert entries.filter(certified=True).exists()
            assert entries.filter(certified=False).exists()
            assert entries.filter(certified=True, average=Decimal("70.00")).exists()
            judges = ScoreSheet.objects.filter(round=round).values("judge_key").distinct()
            assert judges.count() == 7
        # A closed round has every product scored by every council member.
        for round in rounds.filter(status="closed"):
            assert not services.entries_missing_sheets(round).exists(), round
        current = rounds.get(year=today.year)
        assert current.status == "scoring"
        assert ScoreSheet.objects.filter(round=current).exists()
        # This year's round still waits for sheets: its page lists the products.
        assert services.entries_missing_sheets(current).exists()
    for region in (north, south):
        round = AwardRound.objects.get(level="region", region=region, year=2024)
        assert round.status == "closed"
        entries = AwardEntry.objects.filter(round=round)
        assert entries.exists()
        for entry in entries:
            holder = entry.qualifying_entry
            assert holder.round.level == "province"
            assert holder.valid_on(certificates.reference_date(round))
    assert AwardComplaint.objects.filter(status="resolved").exists()
    assert any(c.overdue_on(today) for c in AwardComplaint.objects.filter(status="open"))
    # Every round was moved by a real user, every sheet recorded by one.
    assert not AwardRound.history.filter(history_user=None).exists()
    assert not ScoreSheet.history.filter(history_user=None).exists()
    # The walkthrough product is in the public catalogue.
    assert AwardEntry.objects.filter(
        establishment__name="Cơ sở sản xuất Tàu hủ ky Bà Tư", certified=True
    ).exists()
