"""Section providers of the summary report, in report order.

Each module's section reads that module's services and figures; a module that is not installed or
has no records for the division and period contributes a short sentence saying so."""

from . import activities, funding, ntm, ocop, poverty  # noqa: F401
