from tamnong.core.dispatch import DispatchCommand


class Command(DispatchCommand):
    help = "tamnong import KIND FILE [options]: runs `import_KIND` (e.g. households)."
    prefix = "import"
    noun = "nhập dữ liệu"
