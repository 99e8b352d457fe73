#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tamnong.settings")
    from django.core.management import execute_from_command_line

    from tamnong.cli import guarded

    guarded(lambda: execute_from_command_line(sys.argv), sys.argv)
