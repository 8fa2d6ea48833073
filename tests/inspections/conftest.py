import datetime

import pytest

from inspections import services
from inspections.models import InspectionKind
from tests import factories

TODAY = datetime.date(2025, 6, 1)
PDF = b"%PDF-1.4\nrectified\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def inspection(region):
    return services.create_inspection(
        user=region,
        county=factories.county("150121"),
        fields={"kind": InspectionKind.FUNDS, "date": datetime.date(2025, 3, 1), "inspectors": "张三、李四"},
    )


@pytest.fixture
def make_finding(region, inspection):
    def make(deadline=datetime.date(2025, 7, 1), today=TODAY, **fields):
        return services.create_finding(
            user=region,
            inspection=inspection,
            fields={
                "category": "funds",
                "severity": "serious",
                "description": fields.pop("description", "专项资金未专账核算"),
                "requirement": "建立专账",
                "deadline": deadline,
                **fields,
            },
            today=today,
        )

    return make


def pdf_upload(name="整改报告.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
