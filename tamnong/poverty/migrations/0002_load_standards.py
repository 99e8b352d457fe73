"""Formerly loaded data/poverty/standards.json by importing live code. The standards are now
loaded after every `migrate` by the rules pipeline (tamnong.rules), with the other programmes'
rule documents; this migration stays (empty) so the migration history is unchanged."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("poverty", "0001_initial")]
    operations = []
