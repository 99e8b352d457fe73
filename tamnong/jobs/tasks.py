from tamnong.jobs.registry import daily

from . import services


@daily("jobs.cleanup", "Dọn tệp tạm của tác vụ nền")
def cleanup(progress, day: str | None = None) -> dict:
    result = services.cleanup()
    progress(1, 1, "Đã dọn tệp tạm", force=True)
    return result
