"""A criteria set keeps the defects that make it incomplete (`gaps`), decided by their code when
the set is checked. The sets stored before had only their defects' text: their gaps are read
from it once, here, by the words the check wrote then (always Vietnamese at that time)."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    CriteriaSet = apps.get_model("ocop", "CriteriaSet")
    for cs in CriteriaSet.objects.filter(complete=False).only("pk", "defects"):
        gaps = [d for d in cs.defects if "chưa đầy đủ" in d]
        CriteriaSet.objects.filter(pk=cs.pk).update(gaps=gaps)


class Migration(migrations.Migration):
    dependencies = [
        ("ocop", "0007_audit_display_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="criteriaset",
            name="gaps",
            field=models.JSONField(default=list, verbose_name="chỗ còn thiếu"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
