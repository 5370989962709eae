"""Report and compliance PDFs render Chinese, Arabic and emoji: the text extracts and the fonts that
cover them are embedded (Noto CJK, Noto/DejaVu Arabic, Noto Color Emoji)."""

import io

import pytest
from freezegun import freeze_time
from pypdf import PdfReader

from apps.core.charts import text_direction
from tests.factories.analytics import ReportFactory, at, make_task
from tests.factories.archive import audit_action
from tests.factories.projects import ProjectFactory

pytestmark = pytest.mark.django_db

CHINESE = "数据平台"
ARABIC = "منصة البيانات"
EMOJI = "🚀 Launch"


def fonts(content: bytes) -> set[str]:
    """BaseFont names of every font the PDF embeds (subset prefix removed)."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1].replace("-", ""))
    return names


def text_of(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def named_projects(team):
    projects = [ProjectFactory(workspace=team.workspace, name=name) for name in (CHINESE, ARABIC, EMOJI)]
    for project in projects:
        make_task(project, created=at("2026-01-05"), completed=at("2026-01-07"))
    return projects


def test_text_direction_follows_the_first_strong_character():
    assert text_direction(ARABIC) == "rtl"
    assert text_direction("שלום") == "rtl"
    assert text_direction(CHINESE) == "ltr"
    assert text_direction("2026 " + ARABIC) == "rtl"
    assert text_direction("42") == "ltr"


@freeze_time("2026-01-20 12:00:00")
def test_report_pdf_renders_chinese_arabic_and_emoji(team, client_for, named_projects):
    report = ReportFactory(workspace=team.workspace, name=f"{CHINESE} / {ARABIC}", metrics=["completion_rate"])
    response = client_for(team.member).get(f"/api/v1/reports/{report.pk}/export?format=pdf&include_charts=true")
    assert response.status_code == 200
    text = text_of(response.content)
    # Each name twice: in the table and as a chart label (shaped, in logical order).
    for name in (CHINESE, ARABIC, EMOJI):
        assert text.count(name) >= 2, name
    embedded = fonts(response.content)
    assert any("NotoSansCJK" in name for name in embedded), embedded
    assert "DejaVuSans" in embedded or any("NotoSansArabic" in name for name in embedded), embedded
    assert "NotoColorEmoji" in embedded, embedded


def test_compliance_pdf_renders_chinese_arabic_and_emoji(team, client_for, named_projects):
    with freeze_time("2026-03-05T00:00:00Z"):
        for project in named_projects:
            audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    response = client_for(team.owner).get(
        "/api/v1/compliance/export", {"start_date": "2026-03-01", "end_date": "2026-03-31", "format": "pdf"}
    )
    assert response.status_code == 200
    text = text_of(response.content)
    for name in (CHINESE, ARABIC, EMOJI):
        assert name in text, name
    embedded = fonts(response.content)
    assert any("NotoSansCJK" in name for name in embedded), embedded
    assert "NotoColorEmoji" in embedded, embedded
