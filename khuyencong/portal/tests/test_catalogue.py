"""The public catalogue of certified products (/public/products/): no login, valid
certificates only unless asked, search ignoring diacritics and case, filters, photos or a
drawn placeholder, a product page with its certificate, only public data, query counts
that do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.awards import services
from khuyencong.awards.factories import score_and_close
from khuyencong.awards.models import AwardEntry
from khuyencong.awards.tests.conftest import round_data
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Product, ProductPhoto

LIST = "/public/products/"

# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


@pytest.fixture
def catalogue(officer_a, officer_b, province_a, province_b, commune_a1, commune_b1):
    """Province A: a 2025 round with a noodle maker (certified, with a photo), a scarf
    weaver (certified) and a tool maker (not certified); a 2022 round whose certificate has
    expired. Province B: a 2025 round with rice paper (certified)."""
    tofu = EstablishmentFactory(
        name="Cơ sở sản xuất Tàu hủ ky Bà Tư",
        commune=commune_a1,
        tax_code="0312345678",
        phone="0912345678",
        representative="Nguyễn Thị Tư",
    )
    weaver = EstablishmentFactory(name="Hợp tác xã dệt thổ cẩm Ea Kar", commune=commune_a1)
    smith = EstablishmentFactory(name="Cơ sở cơ khí Hòa Phát", commune=commune_a1)
    old = EstablishmentFactory(name="Cơ sở mật ong Krông Pắc", commune=commune_a1)
    paper = EstablishmentFactory(name="Cơ sở bánh tráng Củ Chi", commune=commune_b1)
    tofu_product = Product.objects.create(
        establishment=tofu, name="Tàu hủ ky lá", description="Làm thủ công từ đậu nành."
    )
    ProductPhoto.objects.create(
        product=tofu_product, image=SimpleUploadedFile("tau-hu-ky.png", PNG, "image/png")
    )

    def run(actor, province, year, rows, closing):
        round = services.create_round(
            actor=actor, data=round_data(province=province, year=year, title=f"Vòng {year}")
        )
        totals = {}
        for establishment, product, name, group, score in rows:
            entry = services.create_entry(
                actor=actor,
                round=round,
                data={
                    "establishment": establishment,
                    "product": product,
                    "product_name": name,
                    "group": group,
                },
            )
            totals[entry] = [score] * 7
        score_and_close(actor, round, totals, closing_date=closing)
        return round

    run(
        officer_a,
        province_a,
        2025,
        [
            (tofu, tofu_product, "", "food", 85),
            (weaver, None, "Khăn thổ cẩm Ê Đê", "handicraft", 78),
            (smith, None, "Máy xay cà phê", "mechanical", 60),
        ],
        datetime.date(2025, 10, 20),
    )
    run(
        officer_a,
        province_a,
        2022,
        [(old, None, "Mật ong hoa cà phê", "food", 90)],
        datetime.date(2022, 10, 1),
    )
    run(
        officer_b,
        province_b,
        2025,
        [(paper, None, "Bánh tráng phơi sương", "food", 80)],
        datetime.date(2025, 11, 1),
    )
    return {"tofu": tofu_product}


def names(response):
    return [e.product_name for e in response.context["page"].object_list]


def test_the_catalogue_needs_no_login_and_shows_valid_certificates(client, catalogue):
    response = client.get(LIST)
    assert response.status_code == 200
    assert sorted(names(response)) == ["Bánh tráng phơi sương", "Khăn thổ cẩm Ê Đê", "Tàu hủ ky lá"]
    with_expired = client.get(LIST, {"expired": "on"})
    assert "Mật ong hoa cà phê" in names(with_expired)
    assert "Máy xay cà phê" not in names(with_expired)  # never certified


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tau hu ky", ["Tàu hủ ky lá"]),
        ("TÀU HỦ KY", ["Tàu hủ ky lá"]),
        ("ba tu", ["Tàu hủ ky lá"]),  # the producer's name
        ("khan tho cam", ["Khăn thổ cẩm Ê Đê"]),
        ("xyz", []),
    ],
)
def test_search_ignores_diacritics_and_case(client, catalogue, query, expected):
    assert names(client.get(LIST, {"q": query})) == expected


def test_filters_by_level_group_province_and_year(client, catalogue):
    assert sorted(names(client.get(LIST, {"province": "79"}))) == ["Bánh tráng phơi sương"]
    assert sorted(names(client.get(LIST, {"group": "handicraft"}))) == ["Khăn thổ cẩm Ê Đê"]
    assert names(client.get(LIST, {"level": "national"})) == []
    assert len(names(client.get(LIST, {"level": "province", "year": 2025}))) == 3
    assert names(client.get(LIST, {"year": 2022})) == []
    assert names(client.get(LIST, {"year": 2022, "expired": "on"})) == ["Mật ong hoa cà phê"]
    bad = client.get(LIST, {"year": "năm ngoái"})
    assert bad.status_code == 200 and names(bad) == []


def test_photos_or_a_drawn_placeholder(client, catalogue):
    page = client.get(LIST).content.decode()
    entry = AwardEntry.objects.get(product_name="Tàu hủ ky lá")
    photo = entry.product.photos.get()
    src = reverse("portal:catalogue-photo", args=[entry.pk, photo.pk])
    assert f'src="{src}"' in page  # the noodle maker's photo, served by the app
    assert "/media/" not in page
    assert 'data-testid="photo-placeholder"' in page  # the others
    assert "http://" not in page.split("<main", 1)[1] and "https://" not in page
    assert (
        f'src="{src}"'
        in client.get(reverse("portal:catalogue-detail", args=[entry.pk])).content.decode()
    )
    # Anyone may fetch it: the catalogue is public.
    response = client.get(src)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


def test_only_photos_of_certified_products_are_public(client, catalogue):
    """A photo reaches the public only through a certificate of its own product: not of a
    product without one, not by pairing another certificate with it, never under /media/."""
    entry = AwardEntry.objects.get(product_name="Tàu hủ ky lá")
    smith = AwardEntry.objects.get(product_name="Máy xay cà phê")  # not certified
    hammer = Product.objects.create(establishment=smith.establishment, name="Búa")
    secret = ProductPhoto.objects.create(
        product=hammer, image=SimpleUploadedFile("bua.png", PNG, "image/png")
    )
    smith.product = hammer
    smith.save(update_fields=["product"])
    public = entry.product.photos.get()
    for args in ([smith.pk, secret.pk], [entry.pk, secret.pk], [smith.pk, public.pk]):
        assert client.get(reverse("portal:catalogue-photo", args=args)).status_code == 404
    assert client.get(f"/media/{public.image.name}").status_code == 404


def test_the_product_page_shows_the_certificate_and_only_public_data(client, catalogue):
    entry = AwardEntry.objects.get(product_name="Tàu hủ ky lá")
    response = client.get(reverse("portal:catalogue-detail", args=[entry.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    for shown in (
        "Cơ sở sản xuất Tàu hủ ky Bà Tư",
        "Xã Ea Kar",
        "Tỉnh Đắk Lắk",
        "1/2025/CNNT-66",
        "31/12/2027",
    ):
        assert shown in text
    for hidden in ("0312345678", "0912345678", "Nguyễn Thị Tư", "Thôn 1"):
        assert hidden not in text


def test_not_certified_products_have_no_public_page(client, catalogue):
    entry = AwardEntry.objects.get(product_name="Máy xay cà phê")
    assert client.get(reverse("portal:catalogue-detail", args=[entry.pk])).status_code == 404
    assert client.get("/public/products/999999/").status_code == 404


def test_an_expired_certificate_page_says_so(client, catalogue):
    entry = AwardEntry.objects.get(product_name="Mật ong hoa cà phê")
    response = client.get(reverse("portal:catalogue-detail", args=[entry.pk]))
    assert response.status_code == 200 and response.context["valid"] is False


def test_markup_in_names_is_escaped(client, officer_a, province_a, commune_a1):
    establishment = EstablishmentFactory(name="<script>alert(1)</script>", commune=commune_a1)
    round = services.create_round(actor=officer_a, data=round_data(province=province_a, year=2025))
    entry = services.create_entry(
        actor=officer_a,
        round=round,
        data={"establishment": establishment, "product_name": "<b>Trà</b>", "group": "food"},
    )
    score_and_close(officer_a, round, {entry: [80] * 7}, closing_date=datetime.date(2025, 10, 1))
    text = client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text
    assert "<b>Trà</b>" not in text


def test_the_list_query_count_does_not_grow(
    client, catalogue, officer_a, province_a, commune_a1, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    round = services.create_round(actor=officer_a, data=round_data(province=province_a, year=2024))
    totals = {}
    for index in range(12):
        establishment = EstablishmentFactory(commune=commune_a1)
        product = Product.objects.create(establishment=establishment, name=f"Sản phẩm {index}")
        ProductPhoto.objects.create(
            product=product, image=SimpleUploadedFile(f"p{index}.png", PNG, "image/png")
        )
        entry = services.create_entry(
            actor=officer_a,
            round=round,
            data={"establishment": establishment, "product": product, "group": "other"},
        )
        totals[entry] = [80] * 7
    score_and_close(officer_a, round, totals, closing_date=datetime.date(2024, 10, 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.context["page"].paginator.count == 15
