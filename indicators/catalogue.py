"""The programme's data elements and indicators as SPEC §3–§4 define them (work plan 二, 三).

Loaded into the database by a data migration; after that targets, weights and grade bands are data that
``region_staff`` edit in the portal.
"""

from decimal import Decimal

INT, DEC, BOOL = "integer", "decimal", "boolean"

# fmt: off
# code, 名称, English name, unit, section, value type, derived, hint
ELEMENTS = [
    ('population', '年末常住人口', 'Year-end resident population', '人', '基础', INT, False, '单位为人，不是万人'),
    ('invention_patents_held', '有效发明专利拥有量', 'Valid invention patents held', '件', '二(二)', INT, False, ''),
    ('trademarks_registered', '有效注册商标量', 'Valid registered trademarks', '件', '二(二)', INT, False, ''),
    ('gi_trademarks', '地理标志商标（累计）', 'Geographical-indication trademarks (cumulative)', '件', '二(二)', INT, False, '累计数'),
    ('gi_products', '地理标志产品（累计）', 'Geographical-indication products (cumulative)', '个', '二(二)', INT, False, '累计数'),
    ('copyright_registrations', '年作品版权登记量', 'Copyright registrations in the year', '件', '二(二)', INT, False, '当年登记量'),
    ('invention_applications', '发明专利申请量', 'Invention patent applications', '件', '二(二)', INT, False, '当年申请量'),
    ('utility_model_applications', '实用新型专利申请量', 'Utility model applications', '件', '二(二)', INT, False, '当年申请量'),
    ('design_applications', '外观设计专利申请量', 'Design patent applications', '件', '二(二)', INT, False, '当年申请量'),
    ('enterprise_ip_investment', '企业知识产权投入', 'Enterprise IP investment', '万元', '二(三)', DEC, False, '单位为万元'),
    ('advantage_enterprises_new', '新培育国家或自治区级知识产权优势企业', 'New national or regional IP advantage enterprises', '家', '二(三)', INT, False, '当年新培育数'),
    ('hightech_enterprises', '高新技术企业数', 'High-tech enterprises', '家', '二(三)', INT, False, ''),
    ('hightech_certified', '通过知识产权贯标的高新技术企业数', 'High-tech enterprises certified to the IP management standard', '家', '二(三)', INT, False, '不超过高新技术企业数'),
    ('license_transfer_amount', '知识产权许可转让额', 'IP licensing and transfer amount', '万元', '二(四)', DEC, False, '单位为万元'),
    ('hightech_patents_held', '高新技术企业有效专利数', 'Valid patents of high-tech enterprises', '件', '二(四)', INT, False, ''),
    ('hightech_patents_implemented', '高新技术企业已实施转化专利数', 'Implemented patents of high-tech enterprises', '件', '二(四)', INT, False, '不超过高新技术企业有效专利数'),
    ('industrial_patents_held', '工业企业有效专利数', 'Valid patents of industrial enterprises', '件', '二(四)', INT, False, ''),
    ('industrial_patents_implemented', '工业企业已实施转化专利数', 'Implemented patents of industrial enterprises', '件', '二(四)', INT, False, '不超过工业企业有效专利数'),
    ('above_scale_output', '规模以上工业企业总产值', 'Output of above-scale industrial enterprises', '万元', '二(四)', DEC, False, '单位为万元'),
    ('above_scale_ip_output', '规上工业企业自主知识产权产品产值', 'Output of proprietary-IP products of above-scale enterprises', '万元', '二(四)', DEC, False, '不超过规上工业总产值'),
    ('above_scale_enterprises', '规模以上企业数', 'Above-scale enterprises', '家', '三(二)1', INT, False, ''),
    ('above_scale_with_patents', '拥有专利的规模以上企业数', 'Above-scale enterprises holding patents', '家', '三(二)1', INT, False, '不超过规模以上企业数'),
    ('enforcement_cases', '查处知识产权侵权假冒案件数', 'IP infringement and counterfeiting cases handled', '件', '二(五)', INT, False, ''),
    ('ip_office_established', '设立知识产权管理机构', 'IP administration office established', '是/否', '二(一)', BOOL, False, '填 是 或 否'),
    ('joint_meeting_system', '建立知识产权联席会议制度', 'IP joint meeting system established', '是/否', '三(一)2', BOOL, False, '填 是 或 否'),
    ('admin_judicial_mechanism', '建立行政与司法保护协作机制', 'Administrative-judicial protection mechanism established', '是/否', '二(五)', BOOL, False, '填 是 或 否'),
    ('assistance_station', '建立县级维权援助中心或工作站', 'County rights-assistance centre or station established', '是/否', '三(五)3', BOOL, False, '填 是 或 否'),
    ('training_headcount', '知识产权培训人次', 'IP training person-times', '人次', '三(七)2', INT, True, '由培训记录汇总，无需填写'),
    ('publicity_week_events', '“4·26知识产权宣传周”活动次数', '4·26 IP publicity week activities', '次', '三(七)1', INT, True, '由宣传活动记录汇总，无需填写'),
]

# code, 名称, English name, section, unit, numerator codes, denominator codes, factor, rule, target
INDICATORS = [
    ('patents_per_10k', '每万人发明专利拥有量', 'Invention patents per 10,000 people', '二(二)', '件/万人', ['invention_patents_held'], ['population'], 10000, 'increase', None),
    ('trademarks', '商标有效注册量', 'Valid registered trademarks', '二(二)', '件', ['trademarks_registered'], [], 1, 'increase', None),
    ('gi_trademarks', '地理标志商标', 'Geographical-indication trademarks', '二(二)', '件', ['gi_trademarks'], [], 1, 'increase', None),
    ('gi_products', '地理标志产品', 'Geographical-indication products', '二(二)', '个', ['gi_products'], [], 1, 'increase', None),
    ('copyrights', '年作品版权登记量', 'Copyright registrations in the year', '二(二)', '件', ['copyright_registrations'], [], 1, 'increase', None),
    ('patent_structure', '发明和实用新型申请占比', 'Share of invention and utility model applications', '二(二)', '%', ['invention_applications', 'utility_model_applications'], ['invention_applications', 'utility_model_applications', 'design_applications'], 100, 'increase', None),
    ('enterprise_investment', '企业知识产权投入', 'Enterprise IP investment', '二(三)', '万元', ['enterprise_ip_investment'], [], 1, 'increase', None),
    ('advantage_enterprises', '培育知识产权优势企业', 'IP advantage enterprises cultivated', '二(三)', '家', ['advantage_enterprises_new'], [], 1, 'cumulative_min', 1),
    ('hightech_certification', '高新技术企业贯标覆盖率', 'High-tech enterprises certified to the IP standard', '二(三)', '%', ['hightech_certified'], ['hightech_enterprises'], 100, 'min', 100),
    ('license_transfer', '知识产权许可转让额', 'IP licensing and transfer amount', '二(四)', '万元', ['license_transfer_amount'], [], 1, 'increase', None),
    ('hightech_conversion', '高新技术企业专利实施转化率', 'Patent conversion rate of high-tech enterprises', '二(四)', '%', ['hightech_patents_implemented'], ['hightech_patents_held'], 100, 'min', 50),
    ('industrial_conversion', '工业企业专利实施转化率', 'Patent conversion rate of industrial enterprises', '二(四)', '%', ['industrial_patents_implemented'], ['industrial_patents_held'], 100, 'min', 30),
    ('ip_output_share', '自主知识产权产品产值占比', 'Output share of proprietary-IP products', '二(四)', '%', ['above_scale_ip_output'], ['above_scale_output'], 100, 'min', 25),
    ('above_scale_patent_coverage', '规上企业专利覆盖率', 'Above-scale enterprises holding patents', '三(二)1', '%', ['above_scale_with_patents'], ['above_scale_enterprises'], 100, 'min', 100),
    ('enforcement', '侵权假冒案件查处数', 'Infringement and counterfeiting cases handled', '二(五)', '件', ['enforcement_cases'], [], 1, 'monitor', None),
    ('ip_office', '知识产权管理机构', 'IP administration office', '二(一)', '', ['ip_office_established'], [], 1, 'true', None),
    ('joint_meeting', '联席会议制度', 'Joint meeting system', '三(一)2', '', ['joint_meeting_system'], [], 1, 'true', None),
    ('protection_mechanism', '行政司法保护协作机制', 'Administrative-judicial protection mechanism', '二(五)', '', ['admin_judicial_mechanism'], [], 1, 'true', None),
    ('assistance_station', '维权援助中心/工作站', 'Rights-assistance centre or station', '三(五)3', '', ['assistance_station'], [], 1, 'true', None),
    ('training_headcount', '年培训人次', 'Training person-times in the year', '三(七)2', '人次', ['training_headcount'], [], 1, 'min', 100),
    ('publicity_week', '4·26宣传周活动', '4·26 publicity week activities', '三(七)1', '次', ['publicity_week_events'], [], 1, 'min', 1),
]
# fmt: on

# name, English name, minimum score
GRADE_BANDS = [
    ("优秀", "Excellent", Decimal("90")),
    ("良好", "Good", Decimal("75")),
    ("合格", "Pass", Decimal("60")),
    ("不合格", "Fail", Decimal("0")),
]

# Cross-field rules of SPEC §3: (smaller element, larger element) — smaller must not exceed larger.
NOT_GREATER_THAN = [
    ("hightech_patents_implemented", "hightech_patents_held"),
    ("industrial_patents_implemented", "industrial_patents_held"),
    ("hightech_certified", "hightech_enterprises"),
    ("above_scale_with_patents", "above_scale_enterprises"),
    ("above_scale_ip_output", "above_scale_output"),
]

MIN_POPULATION = 1000
WARNING_CHANGE_RATIO = Decimal("0.5")


def load(apps):
    """Create or update the catalogue rows (used by the data migration; safe to run again)."""
    element_model = apps.get_model("indicators", "DataElement")
    indicator_model = apps.get_model("indicators", "Indicator")
    band_model = apps.get_model("indicators", "GradeBand")
    elements = {}
    for order, (code, name, name_en, unit, section, value_type, derived, hint) in enumerate(
        ELEMENTS, start=1
    ):
        elements[code], _ = element_model.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                unit=unit,
                section=section,
                value_type=value_type,
                is_derived=derived,
                hint=hint,
                order=order,
            ),
        )
    for order, (code, name, name_en, section, unit, num, den, factor, rule, target) in enumerate(
        INDICATORS, start=1
    ):
        indicator, _ = indicator_model.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                section=section,
                unit=unit,
                factor=Decimal(factor),
                rule=rule,
                target=None if target is None else Decimal(target),
                order=order,
            ),
        )
        indicator.numerator.set([elements[c] for c in num])
        indicator.denominator.set([elements[c] for c in den])
    for name, name_en, min_score in GRADE_BANDS:
        band_model.objects.update_or_create(name=name, defaults=dict(name_en=name_en, min_score=min_score))
