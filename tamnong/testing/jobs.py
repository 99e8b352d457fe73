"""Jobs the tests enqueue: registered when this module is imported (the jobs conftest imports it)."""

from tamnong.jobs import registry


@registry.job("test.count", "Đếm thử")
def count(progress, upto: int = 5, fail_at: int | None = None):
    for i in range(1, upto + 1):
        if i == fail_at:
            raise ValueError(f"Dòng {i} không hợp lệ")
        progress(i, upto, f"đã đếm {i}", force=True)
    return {"counted": upto}


@registry.daily("test.daily", "Việc hằng ngày thử")
def daily_job(progress, day: str):
    return {"day": day}
