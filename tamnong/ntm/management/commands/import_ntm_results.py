"""`tamnong import ntm-results FILE --set KEY --year Y [--user NAME] [--dry-run]`: the results of
many communes for one criteria set and year (checked first, written all or nothing, exactly as
entered by hand; every fault with its row and column)."""

from ._bulk import BulkImportCommand


class Command(BulkImportCommand):
    help = "Nhập kết quả nông thôn mới của nhiều xã (một bộ tiêu chí, một năm) từ .xlsx/.csv."
    preview_kind = "ntm.results_preview"
    import_kind = "ntm.results_import"

    def add_extra_arguments(self, parser):
        parser.add_argument("--set", dest="set_key", required=True, help="mã bộ tiêu chí")
        parser.add_argument("--year", type=int, required=True)

    def job_params(self, opts) -> dict:
        return {"set_key": opts["set_key"], "year": opts["year"]}

    def describe(self, result, job):
        from tamnong.ntm.tasks import describe_results

        return describe_results(result, job)
