"""Load the shipped poverty standards (data/poverty/standards.json) into `Standard`."""

from django.db import migrations


def load(apps, schema_editor):
    from tamnong.poverty.standards import load_standards

    load_standards(model=apps.get_model("poverty", "Standard"))


class Migration(migrations.Migration):
    dependencies = [("poverty", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
