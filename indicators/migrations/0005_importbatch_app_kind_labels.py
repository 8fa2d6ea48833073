from django.db import migrations, models


def labels_forward(apps, schema_editor):
    ImportBatch = apps.get_model("indicators", "ImportBatch")
    ImportBatch.objects.filter(kind="indicators").update(app="indicators", kind="annual_data")
    ImportBatch.objects.filter(kind="training").update(app="training", kind="events")


def labels_backward(apps, schema_editor):
    ImportBatch = apps.get_model("indicators", "ImportBatch")
    ImportBatch.objects.filter(app="indicators").update(kind="indicators")
    ImportBatch.objects.exclude(app="indicators").update(kind="training")


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_target_versions")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="app",
            field=models.CharField(db_index=True, default="indicators", max_length=40, verbose_name="app"),
        ),
        migrations.AlterField(
            model_name="importbatch",
            name="kind",
            field=models.CharField(default="annual_data", max_length=40, verbose_name="kind"),
        ),
        migrations.RunPython(labels_forward, labels_backward),
    ]
