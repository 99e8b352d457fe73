from pathlib import Path

from tamnong.accounts.models import User
from tamnong.jobs.registry import job

from . import importing


@job("reports.import_funding", "Nhập số liệu nguồn vốn")
def import_funding(progress, path: str, user_id: int) -> dict:
    user = User.objects.get(pk=user_id)
    result = importing.import_funding(user, Path(path), progress=progress)
    out = result.as_dict()
    if not result.ok:
        # The job succeeded in telling the user what is wrong; nothing was written.
        out["message"] = f"{len(result.errors)} lỗi, không ghi dữ liệu nào"
    return out
