"""One data version per programme instead of one global counter (core/datacache.py)."""

from django.db import migrations, models

# the programmes whose data versions the cache keys on, as they were when this migration was
# written (a topic added later gets its row at its first change)
TOPICS = ("divisions", "ocop", "ntm", "poverty", "reports")


def create_versions(apps, schema_editor):
    DataVersion = apps.get_model("core", "DataVersion")
    DataVersion.objects.bulk_create([DataVersion(topic=t, n=0) for t in TOPICS])


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("topic", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("n", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "phiên bản dữ liệu"},
        ),
        migrations.RunPython(create_versions, migrations.RunPython.noop),
    ]
