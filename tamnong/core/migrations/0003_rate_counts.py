"""The per-minute request counts of the public rate limit, shared by every process
(ocop/ratelimit.py)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0002_versions_per_programme")]

    operations = [
        migrations.CreateModel(
            name="RateCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("bucket", models.CharField(max_length=40)),
                ("address", models.CharField(max_length=45)),
                ("minute", models.BigIntegerField()),
                ("n", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "số yêu cầu trong một phút",
                "indexes": [models.Index(fields=["minute"], name="ratecount_minute")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("bucket", "address", "minute"), name="ratecount_unique_minute"
                    )
                ],
            },
        ),
    ]
