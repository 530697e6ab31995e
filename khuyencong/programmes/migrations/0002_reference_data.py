"""Reference data of programmes: activity contents and sub-types (Decree 45/2012 Art. 4 as
amended by Decree 235/2025), output indicators, national support caps (Thông tư
28/2018/TT-BTC; older 2014 figures flagged to verify), plan-cycle deadlines, follow-up
inspection rules and priority points. Administrators edit them afterwards; rows already
present are never overwritten."""

import datetime
from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    # code, name, name_en, advance %, legal basis
    ("01", "Đào tạo nghề, truyền nghề", "Vocational training and craft passing", 70),
    ("02", "Nâng cao năng lực quản lý, nhận thức sản xuất sạch hơn, hỗ trợ khởi nghiệp, mở rộng thị trường",
     "Management capacity, cleaner production awareness, start-ups, market expansion", 70),
    ("03", "Xây dựng mô hình trình diễn, chuyển giao công nghệ, ứng dụng máy móc thiết bị tiên tiến",
     "Demonstration models, technology transfer, advanced machinery", None),
    ("04", "Phát triển sản phẩm công nghiệp nông thôn tiêu biểu: bình chọn, hội chợ, nhãn hiệu, phòng trưng bày, thương mại điện tử",
     "Typical rural industrial products: awards, fairs, brands, showrooms, e-commerce", 70),
    ("05", "Tư vấn, trợ giúp cơ sở công nghiệp nông thôn", "Consulting to establishments", 70),
    ("06", "Cung cấp thông tin, tuyên truyền", "Information and communication", 70),
    ("07", "Liên doanh, liên kết, hiệp hội, cụm liên kết, cụm công nghiệp, di dời và xử lý ô nhiễm",
     "Associations, linkage clusters, industrial clusters, relocation and pollution treatment", 30),
    ("08", "Hợp tác quốc tế về khuyến công", "International cooperation", None),
    ("09", "Nâng cao năng lực hệ thống khuyến công", "Capacity of the khuyến công system", None),
    ("10", "Sản xuất và tiêu dùng bền vững", "Sustainable production and consumption", None),
    ("11", "Chuyển đổi số", "Digital transformation", None),
]
BASIS_45 = "Điều 4 Nghị định 45/2012/NĐ-CP"
BASIS_235 = "Nghị định 235/2025/NĐ-CP"

SUBTYPES = [
    ("01-NGHE", "01", "Đào tạo nghề", "Vocational training"),
    ("01-TRUYENNGHE", "01", "Truyền nghề", "Craft passing"),
    ("02-DAOTAO", "02", "Đào tạo quản lý, khởi sự doanh nghiệp", "Management and start-up training"),
    ("02-HOITHAO", "02", "Hội thảo, diễn đàn", "Workshops and forums"),
    ("02-THAMQUAN", "02", "Tham quan khảo sát trong nước", "Domestic study tours"),
    ("02-THAMQUAN-NN", "02", "Tham quan khảo sát nước ngoài", "Study tours abroad"),
    ("03-MOHINH", "03", "Mô hình trình diễn kỹ thuật", "Demonstration model"),
    ("03-MAYMOC", "03", "Ứng dụng máy móc thiết bị tiên tiến", "Advanced machinery"),
    ("03-DAYCHUYEN", "03", "Dây chuyền sản xuất đồng bộ", "Complete production line"),
    ("03-CGCN", "03", "Chuyển giao công nghệ", "Technology transfer"),
    ("03-SXSH", "03", "Trình diễn sản xuất sạch hơn", "Cleaner production pilot"),
    ("04-BINHCHON", "04", "Bình chọn sản phẩm tiêu biểu", "Typical product award round"),
    ("04-HOICHO", "04", "Hội chợ, triển lãm trong nước", "Domestic fair or exhibition"),
    ("04-HOICHO-NN", "04", "Hội chợ, triển lãm nước ngoài", "Fair or exhibition abroad"),
    ("04-NHANHIEU", "04", "Đăng ký nhãn hiệu", "Brand registration"),
    ("04-PHONGTB", "04", "Phòng trưng bày giới thiệu sản phẩm", "Showroom"),
    ("04-TMDT", "04", "Thương mại điện tử", "E-commerce"),
    ("05-TUVAN", "05", "Tư vấn cho cơ sở", "Consulting to an establishment"),
    ("06-TRUYENHINH", "06", "Phóng sự truyền hình, phát thanh", "TV and radio reports"),
    ("06-ANPHAM", "06", "Bản tin, ấn phẩm, tờ rơi", "Bulletins, publications, leaflets"),
    ("06-WEB", "06", "Trang thông tin điện tử, cơ sở dữ liệu", "Websites and databases"),
    ("07-HIEPHOI", "07", "Hiệp hội, liên kết", "Associations and linkage"),
    ("07-CUMLK", "07", "Cụm liên kết ngành", "Linkage cluster"),
    ("07-CCN", "07", "Hạ tầng cụm công nghiệp", "Industrial cluster infrastructure"),
    ("07-ONHIEM", "07", "Sửa chữa, nâng cấp hệ thống xử lý ô nhiễm", "Pollution treatment at an establishment"),
    ("08-HTQT", "08", "Hợp tác quốc tế", "International cooperation"),
    ("09-CANBO", "09", "Đào tạo cán bộ khuyến công", "Training of khuyến công staff"),
    ("09-MANGLUOI", "09", "Mạng lưới cộng tác viên", "Collaborator network"),
    ("09-KIEMTRA", "09", "Kiểm tra, giám sát", "Inspection and supervision"),
    ("10-BENVUNG", "10", "Sản xuất và tiêu dùng bền vững", "Sustainable production and consumption"),
    ("11-CDS", "11", "Chuyển đổi số cho cơ sở", "Digital transformation of establishments"),
]

INDICATORS = [
    ("establishments.supported", "Cơ sở được hỗ trợ", "Establishments supported", "cơ sở"),
    ("trainees.count", "Lao động được đào tạo", "People trained", "người"),
    ("jobs.created", "Việc làm mới tạo ra", "New jobs", "người"),
    ("models.count", "Mô hình trình diễn", "Demonstration models", "mô hình"),
    ("machines.count", "Máy móc, thiết bị được hỗ trợ", "Machines supported", "máy"),
    ("fairs.participations", "Lượt tham gia hội chợ, triển lãm", "Fair participations", "lượt"),
    ("brands.count", "Nhãn hiệu được hỗ trợ", "Brands registered", "nhãn hiệu"),
    ("showrooms.count", "Phòng trưng bày", "Showrooms", "phòng"),
    ("awards.products", "Sản phẩm được bình chọn", "Products certified", "sản phẩm"),
    ("workshops.count", "Hội thảo, hội nghị", "Workshops", "cuộc"),
    ("communications.count", "Tin, bài, phóng sự", "Media items", "tin bài"),
    ("consulting.count", "Hợp đồng tư vấn", "Consulting contracts", "hợp đồng"),
]

TT28 = "Thông tư 28/2018/TT-BTC"
TT26 = "Thông tư 26/2014/TTLT-BTC-BCT (cần xác minh)"
CAPS = [
    # subtype, share %, amount, per beneficiary, priority multiplier, basis, from, verify
    ("03-MOHINH", "30", 1_000_000_000, False, "1.5", TT28, datetime.date(2018, 5, 12), False),
    ("03-MAYMOC", "50", 300_000_000, True, "1.5", TT28, datetime.date(2018, 5, 12), False),
    ("03-DAYCHUYEN", "50", 450_000_000, True, "1", TT28, datetime.date(2018, 5, 12), False),
    ("03-CGCN", "50", 300_000_000, True, "1", TT28, datetime.date(2018, 5, 12), False),
    ("04-HOICHO-NN", "100", None, False, "1", TT28, datetime.date(2018, 5, 12), False),
    ("04-NHANHIEU", "50", 35_000_000, True, "1", TT26, datetime.date(2014, 4, 15), True),
    ("05-TUVAN", "50", 35_000_000, True, "1", TT26, datetime.date(2014, 4, 15), True),
    ("07-CUMLK", "50", 150_000_000, False, "1", TT26, datetime.date(2014, 4, 15), True),
    ("07-ONHIEM", "30", 300_000_000, True, "1", TT26, datetime.date(2014, 4, 15), True),
    ("04-HOICHO", "80", None, False, "1", TT26, datetime.date(2014, 4, 15), True),
]

CIRCULAR = "Thông tư 46/2012/TT-BCT (chu kỳ kế hoạch khuyến công quốc gia; cần xác minh)"
DEADLINES = [
    ("file", "national", 5, 20, -1),
    ("register", "national", 6, 15, -1),
    ("settle", "national", 1, 22, 1),
]

INSPECTIONS = [
    # category, subtype, months
    ("03", None, 12, "Máy móc, mô hình được hỗ trợ kiểm tra trong 12 tháng sau nghiệm thu."),
    ("07", "07-ONHIEM", 12, "Hệ thống xử lý ô nhiễm được kiểm tra trong 12 tháng sau nghiệm thu."),
    ("04", "04-PHONGTB", 12, "Phòng trưng bày được kiểm tra trong 12 tháng sau khai trương."),
]

PRIORITY = [
    ("priority_area", 30), ("special_zone", 20), ("pilot", 10), ("mechanical", 10),
    ("agro_processing", 10), ("cleaner_production", 10), ("large_employer", 10), ("counterpart", 10),
]
PRIORITY_BASIS = "Điều 6 Nghị định 45/2012/NĐ-CP (thứ tự ưu tiên; điểm số cần xác minh)"


def load(apps, schema_editor):
    Category = apps.get_model("programmes", "ActivityCategory")
    Subtype = apps.get_model("programmes", "ActivitySubtype")
    Indicator = apps.get_model("programmes", "Indicator")
    Cap = apps.get_model("programmes", "SupportCap")
    Deadline = apps.get_model("programmes", "PlanDeadline")
    Rule = apps.get_model("programmes", "InspectionRule")
    Criterion = apps.get_model("programmes", "PriorityCriterion")
    for order, (code, name, name_en, advance) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "advance_percent": advance,
                "legal_basis": BASIS_235 if code in ("10", "11") else BASIS_45,
                "ordering": order,
            },
        )
    for order, (code, category, name, name_en) in enumerate(SUBTYPES, start=1):
        Subtype.objects.get_or_create(
            code=code,
            defaults={"category_id": category, "name": name, "name_en": name_en, "ordering": order},
        )
    for order, (code, name, name_en, unit) in enumerate(INDICATORS, start=1):
        Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "unit": unit, "ordering": order}
        )
    if not Cap.objects.exists():
        for subtype, share, amount, per, mult, basis, start, verify in CAPS:
            Cap.objects.create(
                category_id=subtype[:2],
                subtype_id=subtype,
                funding_level="national",
                valid_from=start,
                max_share=Decimal(share),
                max_amount=amount,
                per_beneficiary=per,
                priority_multiplier=Decimal(mult),
                legal_basis=basis,
                needs_verification=verify,
            )
    for step, level, month, day, offset in DEADLINES:
        Deadline.objects.get_or_create(
            step=step,
            funding_level=level,
            province=None,
            defaults={
                "month": month,
                "day": day,
                "year_offset": offset,
                "legal_basis": CIRCULAR,
                "needs_verification": True,
            },
        )
    for category, subtype, months, note in INSPECTIONS:
        Rule.objects.get_or_create(
            category_id=category,
            subtype_id=subtype,
            defaults={"months_after_acceptance": months, "note": note},
        )
    for code, points in PRIORITY:
        Criterion.objects.get_or_create(
            code=code, defaults={"points": points, "legal_basis": PRIORITY_BASIS}
        )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
