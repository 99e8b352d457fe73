from django.db import models


class DataVersion(models.Model):
    """The version of one programme's data (`topic`: divisions, ocop, ntm, poverty, reports),
    raised after every committed change to that programme (see core/datacache.py)."""

    topic = models.CharField(primary_key=True, max_length=20)
    n = models.BigIntegerField(default=0)
    # when `n` last rose: the reports say their figures include every change up to then
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "phiên bản dữ liệu"

    def __str__(self) -> str:
        return f"{self.topic}: {self.n}"


class RateCount(models.Model):
    """Requests from one client address to one group of pages in one minute (`minute`: minutes
    since the epoch), counted in the database so that every process of the server shares the
    count (see ocop/ratelimit.py)."""

    bucket = models.CharField(max_length=40)
    address = models.CharField(max_length=45)
    minute = models.BigIntegerField()
    n = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "số yêu cầu trong một phút"
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "address", "minute"], name="ratecount_unique_minute"
            )
        ]
        indexes = [models.Index(fields=["minute"], name="ratecount_minute")]

    def __str__(self) -> str:
        return f"{self.bucket} {self.address} {self.minute}: {self.n}"
