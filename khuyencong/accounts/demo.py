"""Demo organisations and one user for every role (see core/management/commands/seed_demo.py)."""

from __future__ import annotations

from khuyencong.accounts.models import Organisation, User
from khuyencong.core.demokit import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoContext
from khuyencong.core.roles import Role
from khuyencong.places.models import Commune, Province

# Three provinces of different regions and trades: craft villages around Hà Nội, coffee and
# wood in Đắk Lắk, food processing and mats in Đồng Tháp.
DEMO_PROVINCES = [
    ("01", "hanoi", "Trần Thị Mai", "Lê Văn Hùng", "Phạm Thị Hoa"),
    ("66", "daklak", "Y Bhin Niê", "Nguyễn Văn Toàn", "H'Linh Mlô"),
    ("82", "dongthap", "Võ Thị Thu", "Huỳnh Văn Phúc", "Đặng Văn Tư"),
]


def _user(username: str, full_name: str, role: str, **extra) -> User:
    last, _space, first = full_name.rpartition(" ")
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        email=f"{username}@{DEMO_EMAIL_DOMAIN}",
        **extra,
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def seed(ctx: DemoContext) -> None:
    ctx.users["admin"] = _user(
        "admin", "Quản trị Hệ thống", Role.ADMIN, is_superuser=True, is_staff=True
    )
    agency = Organisation.objects.create(
        kind=Organisation.Kind.NATIONAL_AGENCY,
        name="Cục Đổi mới sáng tạo, Chuyển đổi xanh và Khuyến công",
    )
    ctx.users["cuc"] = _user("cuc", "Đỗ Minh Quân", Role.NATIONAL_OFFICER, organisation=agency)
    for code, slug, manager, officer, collaborator in DEMO_PROVINCES:
        province = Province.objects.get(code=code)
        ctx.provinces.append(province)
        centre = Organisation.objects.create(
            kind=Organisation.Kind.CENTRE,
            name=f"Trung tâm Khuyến công và Tư vấn phát triển công nghiệp {province.short_name}",
            province=province,
        )
        Organisation.objects.create(
            kind=Organisation.Kind.DEPARTMENT,
            name=f"Sở Công Thương {province.short_name}",
            province=province,
        )
        ctx.users[f"manager_{slug}"] = _user(
            f"giamdoc_{slug}",
            manager,
            Role.PROVINCIAL_MANAGER,
            province=province,
            organisation=centre,
        )
        ctx.users[f"officer_{slug}"] = _user(
            f"canbo_{slug}",
            officer,
            Role.PROVINCIAL_OFFICER,
            province=province,
            organisation=centre,
        )
        communes = list(
            Commune.objects.filter(province=province, kind=Commune.Kind.COMMUNE).order_by("code")[
                :2
            ]
        )
        collab = _user(f"ctv_{slug}", collaborator, Role.COLLABORATOR, province=province)
        collab.communes.set(communes)
        ctx.users[f"collaborator_{slug}"] = collab
    ctx.users["auditor"] = _user(
        "thanhtra_hanoi", "Bùi Quang Vinh", Role.AUDITOR, province=ctx.provinces[0]
    )
    ctx.log(f"  {len(ctx.users)} demo users")
