"""The registry's pages: scoping per persona, forms, locking, duplicates, history, query counts."""

import pytest
from django.urls import reverse

from khuyencong.registry import services
from khuyencong.registry.factories import EstablishmentFactory
from khuyencong.registry.models import Establishment, Sector

pytestmark = pytest.mark.django_db
LIST = reverse("registry:establishment-list")
CREATE = reverse("registry:establishment-create")


def url(name, establishment):
    return reverse(f"registry:establishment-{name}", args=[establishment.pk])


def form_data(place, **extra):
    values = {
        "name": "Cơ sở Mộc Đức Thành",
        "kind": "household",
        "commune": place.pk,
        "sector": "dd",
        "status": "active",
        "address": "Thôn 2",
    }
    values.update(extra)
    return values


@pytest.fixture
def in_a(officer_a, commune_a1):
    return services.create_establishment(
        actor=officer_a,
        data={
            "name": "Cơ sở Tàu hủ ky Bà Tư",
            "kind": "household",
            "commune": commune_a1,
            "sector": Sector.objects.get(code="a"),
            "phone": "0900000001",
        },
    )


@pytest.fixture
def in_b(officer_b, commune_b1):
    return services.create_establishment(
        actor=officer_b,
        data={
            "name": "Cơ sở Bánh tráng Củ Chi",
            "kind": "household",
            "commune": commune_b1,
            "sector": Sector.objects.get(code="a"),
        },
    )


def test_anonymous_users_are_sent_to_the_login_page(client, in_a):
    for target in (LIST, url("detail", in_a), CREATE):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_the_list_shows_only_the_users_province(client_for, officer_b, in_a, in_b):
    page = client_for(officer_b).get(LIST).content.decode()
    assert in_b.name in page
    assert in_a.name not in page


def test_search_in_another_province_finds_nothing(client_for, officer_b, in_a):
    page = client_for(officer_b).get(LIST, {"q": "tau hu ky"}).content.decode()
    assert in_a.name not in page


def test_unaccented_search_finds_the_establishment(client_for, officer_a, in_a):
    response = client_for(officer_a).get(LIST, {"q": "tau hu ky"})
    assert in_a.name in response.content.decode()
    assert list(response.context["page"].object_list) == [in_a]


def test_filters_narrow_the_list(client_for, officer_a, commune_a1, in_a):
    EstablishmentFactory(
        name="Công ty cơ khí Minh Phát",
        commune=commune_a1,
        kind="enterprise",
        sector=Sector.objects.get(code="d"),
    )
    client = client_for(officer_a)
    assert [e.name for e in client.get(LIST, {"sector": "d"}).context["page"].object_list] == [
        "Công ty cơ khí Minh Phát"
    ]
    assert [
        e.name for e in client.get(LIST, {"kind": "household"}).context["page"].object_list
    ] == [in_a.name]
    assert client.get(LIST, {"status": "ceased"}).context["page"].paginator.count == 0


def test_invalid_filter_values_do_not_break_the_list(client_for, officer_a, in_a):
    response = client_for(officer_a).get(LIST, {"province": "zz", "kind": "nonsense", "page": "x"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_an_officer_of_another_province_cannot_read_change_or_delete(client_for, officer_b, in_a):
    client = client_for(officer_b)
    for name in ("detail", "edit", "delete"):
        assert client.get(url(name, in_a)).status_code == 404
    assert (
        client.post(url("edit", in_a), form_data(in_a.commune, name="Hijacked")).status_code == 404
    )
    assert client.post(url("delete", in_a)).status_code == 404
    in_a.refresh_from_db()
    assert in_a.name == "Cơ sở Tàu hủ ky Bà Tư"


def test_an_officer_cannot_create_in_another_province(client_for, officer_b, commune_a1):
    response = client_for(officer_b).post(CREATE, form_data(commune_a1))
    assert response.status_code == 200
    assert "commune" in response.context["form"].errors
    assert not Establishment.objects.exists()


def test_read_only_roles_read_but_cannot_write(client_for, national, auditor_a, in_a):
    for user in (national, auditor_a):
        client = client_for(user)
        page = client.get(url("detail", in_a))
        assert page.status_code == 200
        assert url("edit", in_a) not in page.content.decode()
        assert client.get(url("edit", in_a)).status_code == 404
        assert client.get(CREATE).status_code == 404
        assert client.post(url("delete", in_a)).status_code == 404
    assert Establishment.objects.filter(pk=in_a.pk).exists()


def test_the_auditor_of_a_sees_nothing_of_b(client_for, auditor_a, in_b):
    assert client_for(auditor_a).get(url("detail", in_b)).status_code == 404


def test_a_collaborator_sees_only_their_communes(
    client_for, collaborator_a1, officer_a, commune_a2, in_a
):
    other = EstablishmentFactory(name="Cơ sở ở phường", commune=commune_a2)
    client = client_for(collaborator_a1)
    names = [e.name for e in client.get(LIST).context["page"].object_list]
    assert names == [in_a.name]
    assert client.get(url("detail", other)).status_code == 404


def test_wrong_methods_are_refused(client_for, officer_a, in_a):
    client = client_for(officer_a)
    assert client.post(LIST).status_code == 405
    assert client.put(url("edit", in_a)).status_code == 405
    assert client.get(reverse("registry:product-add", args=[in_a.pk])).status_code == 405


def test_creating_through_the_form(client_for, officer_a, commune_a1):
    response = client_for(officer_a).post(CREATE, form_data(commune_a1, tax_code="0100109106"))
    establishment = Establishment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("detail", establishment)
    assert establishment.created_by == officer_a


def test_an_invalid_tax_code_is_refused_on_its_field(client_for, officer_a, commune_a1):
    response = client_for(officer_a).post(CREATE, form_data(commune_a1, tax_code="0100109107"))
    assert "tax_code" in response.context["form"].errors
    assert not Establishment.objects.exists()


def test_a_likely_duplicate_needs_confirmation(client_for, officer_a, commune_a1, in_a):
    client = client_for(officer_a)
    response = client.post(CREATE, form_data(commune_a1, name="co so TAU HU KY ba tu"))
    assert response.status_code == 200
    assert [d.establishment for d in response.context["form"].duplicates] == [in_a]
    assert Establishment.objects.count() == 1
    response = client.post(
        CREATE, form_data(commune_a1, name="co so TAU HU KY ba tu", confirm_duplicate="on")
    )
    assert response.status_code == 302
    assert Establishment.objects.count() == 2


def test_a_stale_form_is_refused_and_nothing_overwritten(client_for, officer_a, manager_a, in_a):
    stale_version = in_a.version
    first = client_for(manager_a).post(
        url("edit", in_a),
        form_data(in_a.commune, name=in_a.name, phone="0911111111", version=stale_version),
    )
    assert first.status_code == 302
    second = client_for(officer_a).post(
        url("edit", in_a),
        form_data(in_a.commune, name=in_a.name, phone="0922222222", version=stale_version),
    )
    assert second.status_code == 200
    assert any(m.level_tag == "error" for m in second.context["messages"])
    in_a.refresh_from_db()
    assert in_a.phone == "0911111111"


def test_an_edit_posted_without_its_version_is_refused_and_nothing_overwritten(
    client_for, officer_a, in_a
):
    response = client_for(officer_a).post(
        url("edit", in_a), form_data(in_a.commune, name=in_a.name, phone="0944444444")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "không kèm phiên bản của bản ghi cần sửa" in page  # shown at the top of the form
    before = in_a.phone
    in_a.refresh_from_db()
    assert (in_a.phone, in_a.version) == (before, 1)


def test_the_history_shows_who_changed_what(client_for, officer_a, manager_a, in_a):
    manager_a.first_name, manager_a.last_name = "Thị Mai", "Trần"
    manager_a.save()
    client_for(manager_a).post(
        url("edit", in_a),
        form_data(
            in_a.commune, name=in_a.name, sector="a", phone="0933333333", version=in_a.version
        ),
    )
    response = client_for(officer_a).get(url("detail", in_a))
    entries = response.context["history"]
    assert entries[0].user == manager_a
    changes = {c.label: (c.old, c.new) for c in entries[0].changes}
    assert ("0900000001", "0933333333") in changes.values()
    assert len(entries) == 2
    assert "Trần Thị Mai" in response.content.decode()


def test_a_change_made_by_no_user_shows_as_the_system(client_for, officer_a, commune_a1):
    # Created by a script or a data load (no request, so no user in its history): the page
    # names "the system" instead of failing on the missing user's name.
    from khuyencong.registry.factories import EstablishmentFactory

    created = EstablishmentFactory(commune=commune_a1)
    response = client_for(officer_a).get(url("detail", created))
    assert response.status_code == 200
    assert response.context["history"][0].user is None
    assert "hệ thống" in response.content.decode()


def test_deleting_asks_first_then_keeps_the_history(client_for, officer_a, in_a):
    client = client_for(officer_a)
    assert client.get(url("delete", in_a)).status_code == 200
    assert Establishment.objects.filter(pk=in_a.pk).exists()
    assert client.post(url("delete", in_a)).status_code == 302
    assert not Establishment.objects.filter(pk=in_a.pk).exists()
    assert Establishment.history.filter(id=in_a.pk, history_type="-").exists()


def test_yearly_figures_and_products_are_added_from_the_detail_page(client_for, officer_a, in_a):
    client = client_for(officer_a)
    response = client.post(
        reverse("registry:figure-add", args=[in_a.pk]),
        {"year": 2025, "workers": 14, "revenue": 2_500_000_000, "output_value": "", "capital": ""},
    )
    assert response.status_code == 302
    again = client.post(
        reverse("registry:figure-add", args=[in_a.pk]), {"year": 2025, "workers": 1}
    )
    assert "year" in again.context["form"].errors
    client.post(reverse("registry:product-add", args=[in_a.pk]), {"name": "Tàu hủ ky lá"})
    page = client.get(url("detail", in_a)).content.decode()
    assert "Tàu hủ ky lá" in page
    assert in_a.yearly_figures.get().workers == 14


def test_an_outsider_cannot_add_figures(client_for, officer_b, in_a):
    response = client_for(officer_b).post(
        reverse("registry:figure-add", args=[in_a.pk]), {"year": 2025}
    )
    assert response.status_code == 404
    assert not in_a.yearly_figures.exists()


def test_the_detail_page_explains_eligibility(client_for, officer_a, in_a):
    response = client_for(officer_a).get(url("detail", in_a))
    assert response.context["eligibility"].eligible
    assert 'data-testid="eligibility"' in response.content.decode()


def _make(commune, count):
    for index in range(count):
        EstablishmentFactory(name=f"Cơ sở số {index:03d}", commune=commune)


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_query_count_does_not_grow_with_rows(
    client_for, officer_a, commune_a1, count, django_assert_max_num_queries
):
    _make(commune_a1, count)
    client = client_for(officer_a)
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == min(count, 25)


@pytest.mark.parametrize("edits", [1, 12])
def test_the_detail_query_count_does_not_grow_with_history(
    client_for, officer_a, in_a, edits, django_assert_max_num_queries
):
    for index in range(edits):
        in_a = services.update_establishment(
            actor=officer_a,
            establishment=in_a,
            data={"phone": f"09{index:08d}"},
            expected_version=in_a.version,
        )
    client = client_for(officer_a)
    with django_assert_max_num_queries(12):
        response = client.get(url("detail", in_a))
    assert len(response.context["history"]) == edits + 1


def test_a_pre_2025_address_is_converted_when_no_commune_is_chosen(
    client_for, officer_a, officer_b, province_a, commune_a1
):
    from khuyencong.places.factories import legacy_ea_kar

    old = legacy_ea_kar(province_a, commune_a1)
    address = "Thôn 5, thị trấn Ea Kar, huyện Ea Kar, tỉnh Đắk Lắk"
    outsider = client_for(officer_b).post(
        CREATE, form_data(commune_a1, commune="", legacy_address=address)
    )
    assert "legacy_address" in outsider.context["form"].errors
    response = client_for(officer_a).post(
        CREATE, form_data(commune_a1, commune="", legacy_address=address)
    )
    assert response.status_code == 302
    establishment = Establishment.objects.get()
    assert establishment.commune == commune_a1
    assert establishment.legacy_commune == old
    assert establishment.legacy_address == address


def test_without_commune_or_old_address_the_commune_is_asked_for(client_for, officer_a, commune_a1):
    response = client_for(officer_a).post(CREATE, form_data(commune_a1, commune=""))
    assert "commune" in response.context["form"].errors
    assert not Establishment.objects.exists()


def test_the_overview_counts_only_the_users_province(client_for, officer_b, in_a, in_b):
    response = client_for(officer_b).get(reverse("core:home"))
    assert response.status_code == 200
    (section,) = [
        s for s in response.context["sections"] if s.template == "registry/dashboard.html"
    ]
    assert section.data["establishments"] == 1


# A 1×1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_product_photos_are_served_only_to_those_who_see_the_establishment(
    client_for, officer_a, collaborator_a1, officer_b, national, in_a, commune_a2
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    product = services.add_product(
        actor=officer_a,
        establishment=in_a,
        name="Tàu hủ ky lá",
        photo=SimpleUploadedFile("tau-hu-ky.png", PNG, "image/png"),
    )
    photo = product.photos.get()
    src = reverse("registry:product-photo", args=[photo.pk])
    page = client_for(officer_a).get(url("detail", in_a)).content.decode()
    assert f'src="{src}"' in page and "/media/" not in page
    for user in (officer_a, collaborator_a1, national):
        response = client_for(user).get(src)
        assert response.status_code == 200, user
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"].startswith("inline;")
        assert b"".join(response.streaming_content) == PNG
    assert client_for(officer_b).get(src).status_code == 404
    # A collaborator of another commune of the same province does not see it either.
    other = services.create_establishment(
        actor=officer_a,
        data={
            "name": "Cơ sở Mộc",
            "kind": "household",
            "commune": commune_a2,
            "sector": Sector.objects.get(code="a"),
        },
    )
    elsewhere = services.add_product(
        actor=officer_a,
        establishment=other,
        name="Bàn ghế",
        photo=SimpleUploadedFile("ban.png", PNG, "image/png"),
    )
    hidden = reverse("registry:product-photo", args=[elsewhere.photos.get().pk])
    assert client_for(collaborator_a1).get(hidden).status_code == 404
    anonymous = client_for(None).get(src)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))
    assert client_for(officer_a).get(f"/media/{photo.image.name}").status_code == 404
