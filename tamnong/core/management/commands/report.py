from tamnong.core.dispatch import DispatchCommand


class Command(DispatchCommand):
    help = "tamnong report KIND [options]: runs `report_KIND` (e.g. poverty, ntm, summary)."
    prefix = "report"
    noun = "báo cáo"
