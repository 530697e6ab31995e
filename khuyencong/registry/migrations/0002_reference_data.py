"""Reference data of the registry: the khuyến công sectors (Decree 45/2012 Art. 5) and the
eligibility rules (Decree 45/2012, Decree 235/2025). Administrators edit them afterwards;
rows already present are never overwritten."""

import datetime

from django.db import migrations

SECTORS = [
    ("a", 1, "Chế biến nông, lâm, thủy sản và chế biến thực phẩm",
     "Agro-forestry-fishery and food processing", ""),
    ("b", 2, "Sản xuất hàng công nghiệp tiêu dùng, hàng xuất khẩu, hàng thay thế hàng nhập khẩu",
     "Industrial consumer goods, export goods and import substitutes", ""),
    ("c", 3, "Sản xuất hóa chất phục vụ nông, lâm, ngư nghiệp; sản xuất vật liệu xây dựng",
     "Chemicals for agriculture, forestry and fisheries; building materials",
     "Không hỗ trợ lò gạch thủ công, lò vòng (Nghị định 45/2012/NĐ-CP)."),
    ("d", 4, "Sản xuất sản phẩm cơ khí, máy móc, thiết bị, phụ tùng, sửa chữa máy móc; "
     "sản phẩm điện tử; công nghiệp hỗ trợ",
     "Machinery, equipment, parts and repair; electronics; supporting industries", ""),
    ("dd", 5, "Sản xuất sản phẩm thủ công mỹ nghệ", "Handicrafts", ""),
    ("e", 6, "Khai thác, chế biến khoáng sản tại địa bàn có điều kiện kinh tế - xã hội khó khăn",
     "Mining and mineral processing in difficult areas",
     "Chỉ tại địa bàn có điều kiện kinh tế - xã hội khó khăn, đặc biệt khó khăn."),
    ("g", 7, "Áp dụng sản xuất sạch hơn, xử lý ô nhiễm môi trường",
     "Cleaner production and pollution treatment", ""),
]
LEGAL_BASIS = "Điều 5 Nghị định 45/2012/NĐ-CP"
ALL_SECTORS = [code for code, *_rest in SECTORS]

RULES = [
    {
        "name": "Nghị định 45/2012/NĐ-CP",
        "legal_basis": "Điều 2 và Điều 5 Nghị định 45/2012/NĐ-CP",
        "effective_from": datetime.date(2012, 7, 1),
        "kinds": ["enterprise", "cooperative", "cooperative_group", "household"],
        "commune_kinds": ["xa", "dac_khu"],
        "sectors": ALL_SECTORS,
        "notes": "Trước 1/7/2025 quy định nêu huyện, thị xã, thị trấn, xã và một số phường; "
        "sau khi bỏ cấp huyện, điều kiện địa bàn được diễn đạt lại theo loại đơn vị cấp xã "
        "(cần xác minh).",
        "needs_verification": True,
    },
    {
        "name": "Nghị định 235/2025/NĐ-CP",
        "legal_basis": "Nghị định 235/2025/NĐ-CP sửa đổi Nghị định 45/2012/NĐ-CP",
        "effective_from": datetime.date(2025, 10, 15),
        "kinds": ["enterprise", "cooperative", "cooperative_group", "household", "artisan"],
        "commune_kinds": ["xa", "dac_khu"],
        "sectors": ALL_SECTORS,
        "notes": "Bổ sung nghệ nhân, cơ sở áp dụng sản xuất sạch hơn và nhà đầu tư hạ tầng cụm "
        "công nghiệp. Tổ hợp tác và điều kiện địa bàn cần xác minh.",
        "needs_verification": True,
    },
]


def load(apps, schema_editor):
    Sector = apps.get_model("registry", "Sector")
    EligibilityRule = apps.get_model("registry", "EligibilityRule")
    for code, order, name, name_en, condition in SECTORS:
        Sector.objects.get_or_create(
            code=code,
            defaults={"ordering": order, "name": name, "name_en": name_en,
                      "condition": condition, "legal_basis": LEGAL_BASIS},
        )
    for rule in RULES:
        EligibilityRule.objects.get_or_create(
            effective_from=rule["effective_from"], defaults=rule
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
