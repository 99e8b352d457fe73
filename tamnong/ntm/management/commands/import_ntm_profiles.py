"""`tamnong import ntm-profiles FILE --year Y [--classification region|group] [--user NAME]`:
the region (318/2022) or group (51/2025) of many communes, which selects their thresholds."""

from ._bulk import BulkImportCommand


class Command(BulkImportCommand):
    help = "Nhập vùng/nhóm (phân loại chọn ngưỡng) của nhiều xã từ .xlsx/.csv."
    preview_kind = "ntm.profiles_preview"
    import_kind = "ntm.profiles_import"

    def add_extra_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--classification", choices=["region", "group"], default="")

    def job_params(self, opts) -> dict:
        return {"year": opts["year"], "classification": opts["classification"]}

    def describe(self, result, job):
        from tamnong.ntm.tasks import describe_profiles

        return describe_profiles(result, job)
