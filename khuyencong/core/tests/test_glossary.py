"""The Vietnamese follows docs/glossary.md: the programme's terms as the decrees and the
Ministry's circulars write them, and none of the wordings a review found wrong. A variable
inside a translated block is a plain name (a filter there renders as nothing: the catalogue
said "Tỉnh năm" with the year missing)."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po"
GLOSSARY = ROOT / "docs" / "glossary.md"

# English label → the Vietnamese term of the glossary it must use.
TERMS = {
    "Appraise": "thẩm định",
    "Approve": "phê duyệt",
    "Accept": "nghiệm thu",
    "Settle": "quyết toán",
    "Return for revision": "trả lại để chỉnh sửa",
    "Adjust": "điều chỉnh",
    "Counterpart": "vốn đối ứng",
    "Beneficiaries": "cơ sở thụ hưởng",
    "Score sheet": "phiếu chấm điểm",
    "Certificate": "giấy chứng nhận",
    "Quarterly report": "báo cáo quý",
    "Projects": "đề án",
    "Deadline": "hạn",
    "Due by": "hạn",
    "Legal form": "loại hình",
    "Kind": "loại",
    "Proposals for support": "đề xuất, kiến nghị hỗ trợ",
    "Difficulties": "khó khăn, vướng mắc",
    "What to do now": "việc cần làm",
}
# Wordings a review found wrong, never to come back.
WRONG = ["Số đề xuất hỗ trợ", "Tỉnh năm"]


@pytest.fixture(scope="module")
def translations():
    return {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)) if not e.msgctxt}


@pytest.mark.parametrize(("english", "vietnamese"), TERMS.items())
def test_labels_use_the_glossary_terms(translations, english, vietnamese):
    assert translations[english].lower().startswith(vietnamese), translations[english]
    assert vietnamese in GLOSSARY.read_text().lower()


def test_the_glossary_names_its_sources():
    text = GLOSSARY.read_text()
    for source in ("45/2012/NĐ-CP", "235/2025/NĐ-CP", "20/2017/TT-BCT", "28/2018/TT-BTC"):
        assert source in text


def test_no_wording_found_wrong_is_back(translations):
    for wrong in WRONG:
        assert not [m for m, s in translations.items() if wrong in s], wrong
    # "Loại hình" is the legal form of an establishment, nothing else.
    assert [m for m, s in translations.items() if s == "Loại hình"] == ["Legal form"]


def test_no_filter_inside_a_translated_block():
    with_filter = re.compile(r"\{%\s*blocktrans(?:late)?\b[^%]*%\}(.*?)\{%\s*endblocktrans", re.S)
    found = []
    for template in ROOT.glob("khuyencong/**/templates/**/*.html"):
        for block in with_filter.findall(template.read_text()):
            if re.search(r"\{\{\s*[\w.]+\s*\|", block):
                found.append(f"{template.relative_to(ROOT)}: {block[:60]}")
    assert not found, found
    catalogue = CATALOGUE.read_text()
    assert not re.search(r"%\(\w+\|", catalogue)
