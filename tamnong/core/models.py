from django.db import models


class DataVersion(models.Model):
    """The version of one programme's data (`topic`: divisions, ocop, ntm, poverty, reports),
    raised after every committed change to that programme (see core/datacache.py)."""

    topic = models.CharField(primary_key=True, max_length=20)
    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return f"{self.topic}: {self.n}"

