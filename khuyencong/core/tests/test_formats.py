import pytest
from django.utils import translation

from khuyencong.core.formats import format_money, format_number, format_vnd
from khuyencong.core.text import normalise, normalise_name


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


def test_numbers_use_vietnamese_separators():
    assert format_number(1234567) == "1.234.567"
    assert format_number(81.25, decimals=1) == "81,3"
    assert format_number(-1500) == "-1.500"
    assert format_number(None) == "–"


def test_money_reads_like_a_report():
    assert format_money(75_430_000_000) == "75.430 triệu đồng"
    assert format_money(42_700_000_000) == "42,7 tỷ đồng"
    assert format_money(3_000_000_000) == "3 tỷ đồng"
    assert format_money(350_000_000) == "350 triệu đồng"
    assert format_money(2_500_000) == "2,5 triệu đồng"
    assert format_money(500) == "500 đồng"
    assert format_vnd(1_000_000) == "1.000.000 đ"


def test_money_in_english():
    with translation.override("en"):
        assert format_money(42_700_000_000) == "42.7 billion đồng"
        assert format_number(1234567) == "1,234,567"


def test_normalise_ignores_diacritics_and_case():
    assert normalise("Tàu hủ ky") == "tau hu ky"
    assert normalise("  ĐỒNG   Tháp ") == "dong thap"
    assert normalise_name("Cơ sở Mộc, Đức-Thành") == "co so moc duc thanh"


def test_percent_rounds_half_up_to_one_decimal_and_refuses_to_guess():
    from khuyencong.core.formats import percent

    assert percent(3_250, 4_000) == 81.3  # 81,25: half up, where round() gives 81,2
    assert percent(1, 3) == 33.3
    assert percent(0, 5) == 0.0
    assert percent(None, 5) is None and percent(5, 0) is None and percent(5, None) is None
