from tamnong.jobs.registry import job

from . import services


@job("divisions.load", "Nạp danh mục đơn vị hành chính")
def load(progress, data_dir: str | None = None) -> dict:
    report = services.load_divisions(
        data_dir, progress=lambda msg: progress(0, None, msg, force=True)
    )
    return {"summary": report.lines(), "unresolved": report.unresolved[:100]}
