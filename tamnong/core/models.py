from django.db import models


class DataVersion(models.Model):
    """One counter, raised after every committed change to programme data (see datacache)."""

    n = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return str(self.n)
