from django.contrib.auth import get_user_model

from tamnong.jobs.registry import job

from .importer import import_file


@job("poverty.import", "Nhập kết quả rà soát hộ nghèo")
def import_households(progress, path: str, user_id: int | None = None, file_name: str = "") -> dict:
    """Import a file. An uploaded copy is owned by the job (`enqueue(files=[path])`), which
    removes it when the job ends; a CLI import reads the operator's own file and leaves it."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    result = import_file(
        path,
        user=user,
        file_name=file_name,
        progress=progress,  # a jobs Progress: written on its own connection while importing
    )
    if result.ok:
        progress(result.rows, result.rows, f"Đã nhập {result.rows} hộ.", force=True)
    else:
        progress(
            0, None, f"Tệp bị từ chối: {result.errors} dòng lỗi, không ghi dữ liệu nào.", force=True
        )
    return result.as_dict()
