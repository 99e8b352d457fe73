"""Undoing a review file (hoàn tác lần nhập kết quả rà soát): what the generic undo of
`audit.changes` needs from the poverty import: delete records before their households, refuse
when a household the file created has gained something since, name records in a message, and
rebuild the transitions and figures of the communes and years touched."""

from __future__ import annotations

from django.db import connection

from tamnong.audit import changes

from ..models import Household, HouseholdMember, ReviewRecord

SOURCE = "poverty.ImportBatch"
HH, REC = "poverty.Household", "poverty.ReviewRecord"
TEMP = "pov_undo_hh"


def _touching(label: str, alias: str, op: str | None = None) -> str:
    """A JOIN of the change rows of the run (first parameter) onto `alias`.id."""
    ops = f" AND c.op = '{op}'" if op else ""
    return (
        f"JOIN {changes.TABLE} c ON c.run = %s AND c.model = '{label}'{ops} "
        f"AND {alias}.id BETWEEN c.object_id AND COALESCE(c.last_id, c.object_id)"
    )


def check(run: str) -> list[tuple[str, int]]:
    """Households the file created that have since gained a record of another import or made by
    hand, a member or a support: deleting them would take those along."""
    _label, batch = changes.split_key(run)
    rec, hh = ReviewRecord._meta.db_table, Household._meta.db_table
    dependants = [
        f"SELECT r.household_id FROM {rec} r WHERE r.batch_id IS NULL OR r.batch_id <> {int(batch)}",
        f"SELECT m.household_id FROM {HouseholdMember._meta.db_table} m",
    ]
    for rel in ("supports", "sponsorships"):
        dependants.append(
            f"SELECT x.household_id FROM {Household._meta.get_field(rel).related_model._meta.db_table} x"
        )
    bad: list[tuple[str, int]] = []
    with connection.cursor() as cur:
        for sql in dependants:
            cur.execute(
                f"SELECT DISTINCT h.id FROM {hh} h {_touching(HH, 'h', 'c')} "
                f"WHERE h.id IN ({sql}) LIMIT 50",
                [run],
            )
            bad.extend((HH, pk) for (pk,) in cur.fetchall())
    return bad


def describe(label: str, ids: list[int]) -> list[str]:
    if label == HH:
        codes = dict(Household.objects.filter(pk__in=ids).values_list("pk", "code"))
        return [codes.get(pk, f"#{pk}") for pk in ids]
    if label == REC:
        rows = {
            pk: f"{code} ({year})"
            for pk, code, year in ReviewRecord.objects.filter(pk__in=ids).values_list(
                "pk", "household__code", "year"
            )
        }
        return [rows.get(pk, f"#{pk}") for pk in ids]
    return [f"#{pk}" for pk in ids]


def _units(cur, run: str, op: str | None = None) -> set[tuple[int, int]]:
    rec = ReviewRecord._meta.db_table
    cur.execute(
        f"SELECT DISTINCT r.commune_id, r.year FROM {rec} r {_touching(REC, 'r', op)}", [run]
    )
    return {(c, y) for c, y in cur.fetchall()}


def before(run: str) -> set[tuple[int, int]]:
    """The (commune, year) of every record touched, and their households in a temp table."""
    rec = ReviewRecord._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TEMP}")
        cur.execute(f"CREATE TEMP TABLE {TEMP} (id BIGINT PRIMARY KEY)")
        cur.execute(
            f"INSERT INTO {TEMP} (id) SELECT DISTINCT r.household_id FROM {rec} r "
            f"{_touching(REC, 'r')}",
            [run],
        )
        return _units(cur, run)


def after(run: str, units: set[tuple[int, int]]) -> None:
    from .. import figures
    from .commit import _notify_after_commit, recompute_transitions

    rec = ReviewRecord._meta.db_table
    with connection.cursor() as cur:
        units = units | _units(cur, run, "u")  # restored records may be in other communes again
        recompute_transitions(f"SELECT id FROM {TEMP}")
        cur.execute(f"DROP TABLE IF EXISTS {TEMP}")
        communes = {c for c, _y in units}
        if not communes:
            return
        first = min(y for _c, y in units)
        ids = ",".join(str(int(c)) for c in sorted(communes))
        # later years' transitions may follow from the restored ones
        cur.execute(
            f"SELECT DISTINCT year FROM {rec} WHERE commune_id IN ({ids}) AND year >= %s", [first]
        )
        years = {y for _c, y in units} | {y for (y,) in cur.fetchall()}
    figures.rebuild(years, communes)
    _notify_after_commit(communes, years)


def register() -> None:
    changes.register(
        SOURCE,
        changes.Hook(
            delete_order=[REC, HH], check=check, describe=describe, before=before, after=after
        ),
    )
