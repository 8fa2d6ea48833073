"""The catalogue in the database is SPEC §3–§4, and the regional office edits targets, weights and grades."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators import services
from indicators.models import DataElement, GradeBand, Indicator, StaleScore
from tests import factories

pytestmark = pytest.mark.django_db

# SPEC §3: code, 名称, unit, section, derived
ELEMENTS = [
    ("population", "年末常住人口", "人", "基础", False),
    ("invention_patents_held", "有效发明专利拥有量", "件", "二(二)", False),
    ("trademarks_registered", "有效注册商标量", "件", "二(二)", False),
    ("gi_trademarks", "地理标志商标（累计）", "件", "二(二)", False),
    ("gi_products", "地理标志产品（累计）", "个", "二(二)", False),
    ("copyright_registrations", "年作品版权登记量", "件", "二(二)", False),
    ("invention_applications", "发明专利申请量", "件", "二(二)", False),
    ("utility_model_applications", "实用新型专利申请量", "件", "二(二)", False),
    ("design_applications", "外观设计专利申请量", "件", "二(二)", False),
    ("enterprise_ip_investment", "企业知识产权投入", "万元", "二(三)", False),
    ("advantage_enterprises_new", "新培育国家或自治区级知识产权优势企业", "家", "二(三)", False),
    ("hightech_enterprises", "高新技术企业数", "家", "二(三)", False),
    ("hightech_certified", "通过知识产权贯标的高新技术企业数", "家", "二(三)", False),
    ("license_transfer_amount", "知识产权许可转让额", "万元", "二(四)", False),
    ("hightech_patents_held", "高新技术企业有效专利数", "件", "二(四)", False),
    ("hightech_patents_implemented", "高新技术企业已实施转化专利数", "件", "二(四)", False),
    ("industrial_patents_held", "工业企业有效专利数", "件", "二(四)", False),
    ("industrial_patents_implemented", "工业企业已实施转化专利数", "件", "二(四)", False),
    ("above_scale_output", "规模以上工业企业总产值", "万元", "二(四)", False),
    ("above_scale_ip_output", "规上工业企业自主知识产权产品产值", "万元", "二(四)", False),
    ("above_scale_enterprises", "规模以上企业数", "家", "三(二)1", False),
    ("above_scale_with_patents", "拥有专利的规模以上企业数", "家", "三(二)1", False),
    ("enforcement_cases", "查处知识产权侵权假冒案件数", "件", "二(五)", False),
    ("ip_office_established", "设立知识产权管理机构", "是/否", "二(一)", False),
    ("joint_meeting_system", "建立知识产权联席会议制度", "是/否", "三(一)2", False),
    ("admin_judicial_mechanism", "建立行政与司法保护协作机制", "是/否", "二(五)", False),
    ("assistance_station", "建立县级维权援助中心或工作站", "是/否", "三(五)3", False),
    ("training_headcount", "知识产权培训人次", "人次", "三(七)2", True),
    ("publicity_week_events", "“4·26知识产权宣传周”活动次数", "次", "三(七)1", True),
]

YES_NO = {"ip_office_established", "joint_meeting_system", "admin_judicial_mechanism", "assistance_station"}
AMOUNTS = {
    "enterprise_ip_investment",
    "license_transfer_amount",
    "above_scale_output",
    "above_scale_ip_output",
}

# SPEC §4: code, numerator, denominator, factor, rule, target
INDICATORS = [
    ("patents_per_10k", ["invention_patents_held"], ["population"], 10000, "increase", None),
    ("trademarks", ["trademarks_registered"], [], 1, "increase", None),
    ("gi_trademarks", ["gi_trademarks"], [], 1, "increase", None),
    ("gi_products", ["gi_products"], [], 1, "increase", None),
    ("copyrights", ["copyright_registrations"], [], 1, "increase", None),
    (
        "patent_structure",
        ["invention_applications", "utility_model_applications"],
        ["invention_applications", "utility_model_applications", "design_applications"],
        100,
        "increase",
        None,
    ),
    ("enterprise_investment", ["enterprise_ip_investment"], [], 1, "increase", None),
    ("advantage_enterprises", ["advantage_enterprises_new"], [], 1, "cumulative_min", 1),
    ("hightech_certification", ["hightech_certified"], ["hightech_enterprises"], 100, "min", 100),
    ("license_transfer", ["license_transfer_amount"], [], 1, "increase", None),
    ("hightech_conversion", ["hightech_patents_implemented"], ["hightech_patents_held"], 100, "min", 50),
    (
        "industrial_conversion",
        ["industrial_patents_implemented"],
        ["industrial_patents_held"],
        100,
        "min",
        30,
    ),
    ("ip_output_share", ["above_scale_ip_output"], ["above_scale_output"], 100, "min", 25),
    (
        "above_scale_patent_coverage",
        ["above_scale_with_patents"],
        ["above_scale_enterprises"],
        100,
        "min",
        100,
    ),
    ("enforcement", ["enforcement_cases"], [], 1, "monitor", None),
    ("ip_office", ["ip_office_established"], [], 1, "true", None),
    ("joint_meeting", ["joint_meeting_system"], [], 1, "true", None),
    ("protection_mechanism", ["admin_judicial_mechanism"], [], 1, "true", None),
    ("assistance_station", ["assistance_station"], [], 1, "true", None),
    ("training_headcount", ["training_headcount"], [], 1, "min", 100),
    ("publicity_week", ["publicity_week_events"], [], 1, "min", 1),
]


def test_the_29_data_elements_are_those_of_the_spec():
    stored = {e.code: e for e in DataElement.objects.all()}
    assert len(stored) == 29
    assert set(stored) == {row[0] for row in ELEMENTS}
    for code, name, unit, section, derived in ELEMENTS:
        element = stored[code]
        assert (element.name, element.unit, element.section, element.is_derived) == (
            name,
            unit,
            section,
            derived,
        )
        expected_type = "boolean" if code in YES_NO else "decimal" if code in AMOUNTS else "integer"
        assert element.value_type == expected_type, code


def test_the_21_indicators_have_the_spec_formulas_rules_and_targets():
    stored = {i.code: i for i in Indicator.objects.prefetch_related("numerator", "denominator")}
    assert len(stored) == 21
    assert set(stored) == {row[0] for row in INDICATORS}
    for code, numerator, denominator, factor, rule, target in INDICATORS:
        indicator = stored[code]
        assert sorted(e.code for e in indicator.numerator.all()) == sorted(numerator), code
        assert sorted(e.code for e in indicator.denominator.all()) == sorted(denominator), code
        assert indicator.factor == Decimal(factor), code
        assert indicator.rule == rule, code
        assert indicator.target == (None if target is None else Decimal(target)), code
        assert indicator.weight == 1, code


def test_grade_bands_default_to_the_spec():
    assert [(b.name, b.min_score) for b in GradeBand.objects.all()] == [
        ("优秀", 90),
        ("良好", 75),
        ("合格", 60),
        ("不合格", 0),
    ]


def test_catalogue_page_lists_elements_indicators_and_bands(client_for, auditor):
    response = client_for(auditor).get(reverse("indicators:catalogue"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "每万人发明专利拥有量" in content and "有效发明专利拥有量" in content and "优秀" in content
    assert reverse("indicators:indicator_edit", kwargs={"code": "patents_per_10k"}) not in content


def test_region_staff_changes_a_target_with_history_and_recompute(
    client_for, region, django_capture_on_commit_callbacks
):
    report = factories.ReportFactory(county=factories.county("150121"), year=2024)
    indicator = Indicator.objects.get(code="hightech_conversion")
    url = reverse("indicators:indicator_edit", kwargs={"code": indicator.code})
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(region).post(
            url, {"target": "60", "weight": "2", "reason": "2025年考核办法调整", "effective_year": "2024"}
        )
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.target, indicator.weight) == (Decimal(60), Decimal(2))
    change = indicator.history.first()
    assert change.history_user == region
    assert change.history_change_reason == "2025年考核办法调整"
    assert change.target == 60 and change.weight == 2
    assert StaleScore.objects.filter(county=report.county, year=2024).exists()
    assert len(callbacks) == 1


def test_catalogue_edit_refuses_bad_input_and_other_roles(client_for, region, county_staff):
    indicator = Indicator.objects.get(code="hightech_conversion")
    url = reverse("indicators:indicator_edit", kwargs={"code": indicator.code})
    response = client_for(region).post(url, {"target": "-1", "weight": "1", "reason": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors["target"]
    assert (
        client_for(county_staff).post(url, {"target": "1", "weight": "1", "reason": "x"}).status_code == 403
    )
    indicator.refresh_from_db()
    assert indicator.target == 50
    with pytest.raises(services.PermissionDenied):
        services.update_indicator(indicator, county_staff, target=Decimal(1), weight=Decimal(1))


def test_region_staff_changes_a_grade_band(client_for, region):
    band = GradeBand.objects.get(name="优秀")
    url = reverse("indicators:grade_band_edit", kwargs={"pk": band.pk})
    response = client_for(region).post(url, {"min_score": "120", "reason": "x"})
    assert response.status_code == 200
    response = client_for(region).post(
        url, {"min_score": "92", "reason": "提高优秀线", "effective_year": "2024"}
    )
    assert response.status_code == 302
    band.refresh_from_db()
    assert band.min_score == 92
    assert band.history.first().history_change_reason == "提高优秀线"


def test_indicators_without_a_target_offer_only_the_weight(client_for, region):
    url = reverse("indicators:indicator_edit", kwargs={"code": "trademarks"})
    response = client_for(region).get(url)
    assert "target" not in response.context["form"].fields
    client_for(region).post(
        url, {"target": "5", "weight": "3", "reason": "加大权重", "effective_year": "2024"}
    )
    indicator = Indicator.objects.get(code="trademarks")
    assert (indicator.target, indicator.weight) == (None, 3)


def test_a_min_indicator_needs_a_target(client_for, region):
    url = reverse("indicators:indicator_edit", kwargs={"code": "ip_output_share"})
    response = client_for(region).post(url, {"target": "", "weight": "1", "reason": "x"})
    assert response.status_code == 200 and response.context["form"].errors["target"]
    assert Indicator.objects.get(code="ip_output_share").target == 25
