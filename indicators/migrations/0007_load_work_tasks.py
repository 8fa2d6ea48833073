"""Load the 16 work-plan tasks of SPEC §8b (三 工作计划). Frozen here: a migration never reads live code."""

from django.db import migrations

WORK_TASKS = [
    ("system", "健全知识产权工作体系", "三(一)1"),
    ("mechanism", "完善知识产权工作机制", "三(一)2"),
    ("review", "加强经济科技文化活动知识产权管理（评议）", "三(一)3"),
    ("patent_quality", "提升专利创造的数量和质量", "三(二)1"),
    ("high_value", "实施高价值专利培育计划", "三(二)2"),
    ("enterprise_mgmt", "提高企业知识产权管理水平（贯标、托管）", "三(三)1"),
    ("navigation", "开展专利导航产业发展试点", "三(三)2"),
    ("industrialisation", "加快专利技术产业化", "三(四)1"),
    ("combined_use", "促进知识产权综合运用", "三(四)2"),
    ("enforcement_capacity", "加强执法能力建设", "三(五)1"),
    ("enforcement", "加大执法力度", "三(五)2"),
    ("assistance", "开展知识产权维权援助", "三(五)3"),
    ("public_service", "健全知识产权公共服务体系", "三(六)1"),
    ("service_quality", "提升知识产权服务质量", "三(六)2"),
    ("publicity", "重视知识产权宣传", "三(七)1"),
    ("training", "加强知识产权培训", "三(七)2"),
]


def load_tasks(apps, schema_editor):
    WorkTask = apps.get_model("indicators", "WorkTask")
    for order, (code, name, section) in enumerate(WORK_TASKS, start=1):
        WorkTask.objects.update_or_create(
            code=code, defaults={"name": name, "section": section, "order": order}
        )


def unload_tasks(apps, schema_editor):
    apps.get_model("indicators", "WorkTask").objects.filter(code__in=[c for c, _n, _s in WORK_TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_work_tasks")]

    operations = [migrations.RunPython(load_tasks, unload_tasks)]
