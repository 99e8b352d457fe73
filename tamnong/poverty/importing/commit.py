"""Committing a checked review file: the set-based upsert from the staging table, the
transitions (SQL generated from the Python rule), the figures, the audit event."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tamnong.audit import changes
from tamnong.divisions.models import Division

from .. import figures
from ..models import ImportBatch, PovertyFigure, ReviewRecord, province_of
from ..models import Transition as T
from ..standards import group, transition
from .staged import STAGE, is_pg

# (field, stored, new) of the change table: the stored household / record against the file's row
HOUSEHOLD_PAIRS = [
    ("head_name", "h.head_name", "s.head"),
    ("members", "h.members", "s.members"),
    ("commune_id", "h.commune_id", "s.commune_id"),
    ("division_id", "h.division_id", "s.unit_id"),
    ("area", "h.area", "s.area"),
    ("ethnic_minority", "h.ethnic_minority", "s.ethnic"),
    ("policy_household", "h.policy_household", "s.policy"),
]
RECORD_PAIRS = [
    ("commune_id", "r.commune_id", "s.commune_id"),
    ("division_id", "r.division_id", "s.unit_id"),
    ("area", "r.area", "s.area"),
    ("members", "r.members", "s.members"),
    ("income", "r.income", "s.income"),
    ("housing_area", "r.housing_area", "s.housing"),
    ("deprivations", "r.deprivations", "s.mask"),
    ("deprivation_count", "r.deprivation_count", "s.dcount"),
    ("standard_id", "r.standard_id", "s.standard_id"),
    ("classification", "r.classification", "s.klass"),
]


def _transition_sql(prev: str, cur: str, poor_before: str) -> str:
    """The `transition` rules of standards.py as one SQL CASE (generated, so both agree)."""
    reps = {"P": "poor", "N": "near_poor", "A": "other"}

    def grp(col: str) -> str:
        return f"(CASE {col} WHEN 'poor' THEN 'P' WHEN 'near_poor' THEN 'N' ELSE 'A' END)"

    parts = [f"WHEN {prev} IS NULL THEN '{T.FIRST}'"]
    for pg in "PNA":
        for cg in "PNA":
            for pb in (0, 1):
                code = transition(reps[pg], reps[cg], bool(pb))
                assert group(reps[pg]) == pg
                parts.append(
                    f"WHEN {grp(prev)} = '{pg}' AND {grp(cur)} = '{cg}' AND {poor_before} = {pb} "
                    f"THEN '{code}'"
                )
    return "CASE " + " ".join(parts) + f" ELSE '{T.NONE}' END"


def recompute_transitions(household_filter_sql: str, params: list | tuple = ()) -> int:
    """Set-based: recompute the transition of every record of the households selected by
    `household_filter_sql` (a SELECT of household ids), from the ordered sequence of records."""
    rec = ReviewRecord._meta.db_table
    case = _transition_sql("prev", "cur", "poor_before")
    sql = (
        f"UPDATE {rec} SET transition = x.new FROM ("
        f"  SELECT id, old, {case} AS new FROM ("
        f"    SELECT r.id, r.transition AS old, r.classification AS cur,"
        f"      LAG(r.classification) OVER (PARTITION BY r.household_id ORDER BY r.year) AS prev,"
        f"      COALESCE(MAX(CASE WHEN r.classification = 'poor' THEN 1 ELSE 0 END) OVER ("
        f"        PARTITION BY r.household_id ORDER BY r.year"
        f"        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS poor_before"
        f"    FROM {rec} r WHERE r.household_id IN ({household_filter_sql})"
        f"  ) seq"
        f") x WHERE {rec}.id = x.id AND x.new <> x.old"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def recorded(batch, result, user, communes: set[int], years: set[int]) -> None:
    """The audit event of an import, and the notice to other modules once it is committed."""
    from tamnong.audit.models import AuditEvent
    from tamnong.audit.services import record

    record(
        AuditEvent.Action.IMPORT,
        batch,
        after={
            "rows": result.rows,
            "years": result.years,
            "communes": len(communes),
            "created": result.created,
            "updated": result.updated,
        },
        division=_common_unit(communes),
        note=_("Nhập %(rows)s dòng kết quả rà soát từ %(file)s")
        % {"rows": result.rows, "file": batch.file_name},
        user=user,
        model_label="poverty.ImportBatch",
        object_repr=batch.file_name,
    )
    _notify_after_commit(communes, years)


def _common_unit(commune_ids: set[int]):
    """The smallest unit holding every commune of the file (its audit event's unit)."""
    paths = list(Division.objects.filter(pk__in=commune_ids).values_list("path", flat=True))
    if not paths:
        return None
    common = paths[0].strip("/").split("/")
    for path in paths[1:]:
        parts = path.strip("/").split("/")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return Division.objects.filter(pk=int(common[-1])).first() if common else None


def finish_direct(batch: ImportBatch, result, user, year: int, created: dict) -> None:
    """After the direct writer stored every row of one year: the change table (the ranges of
    ids it created), the figures and the audit event."""
    run = changes.run_key("poverty.ImportBatch", batch.pk)
    for label, ranges in created.items():
        changes.add_ranges(run, label, ranges)
    communes = {agg[0] for agg in result.figures.values()}
    # Figures are kept with every record: none for these communes and year means no record was
    # there before this file, whose own counts are then the whole figures.
    if not PovertyFigure.objects.filter(year=year, commune_id__in=communes).exists():
        store_file_figures(result.figures)
    else:
        figures.rebuild({year}, communes)
    recorded(batch, result, user, communes, {year})


def commit_staged(batch: ImportBatch, result, user) -> None:
    from ..models import Household

    hh, rec = Household._meta.db_table, ReviewRecord._meta.db_table
    now = timezone.now()
    years = result.years
    year_list = ",".join(str(int(y)) for y in years)
    with transaction.atomic(), connection.cursor() as cur:
        if is_pg():
            # memory for the hash join of a province file; the import is one transaction, so a
            # crash loses it whole (never half): no need to wait for the WAL flush at commit
            cur.execute("SET LOCAL work_mem = '256MB'")
            cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute(f"SELECT DISTINCT commune_id FROM {STAGE}")
        communes = {r[0] for r in cur.fetchall()}
        # Codes are unique within a province (the partition key, partitions.py): every row
        # is matched within the province of its commune.
        by_province: dict[int, list[int]] = {}
        for commune in Division.objects.filter(pk__in=communes).only("path"):
            by_province.setdefault(province_of(commune), []).append(commune.pk)
        for province_id, ids in by_province.items():  # (one pass for a province's file)
            cur.execute(
                f"UPDATE {STAGE} SET province_id = %s "
                f"WHERE commune_id IN ({','.join(str(int(i)) for i in ids)})",
                [province_id],
            )
        # Records that exist already may move to another commune: rebuild those too.
        cur.execute(f"SELECT 1 FROM {rec} WHERE year IN ({year_list}) LIMIT 1")
        fresh = cur.fetchone() is None
        updated = 0
        if not fresh:
            cur.execute(
                f"SELECT r.commune_id, COUNT(*) FROM {rec} r JOIN {hh} h ON h.id = r.household_id "
                f"JOIN {STAGE} s ON s.code = h.code AND s.province_id = h.province_id AND s.year = r.year GROUP BY r.commune_id"
            )
            for commune_id, n in cur.fetchall():
                communes.add(commune_id)
                updated += n
        result.updated, result.created = updated, result.rows - updated
        # Other years in these communes decide whether transitions need the set-based pass.
        comm_list = ",".join(str(int(c)) for c in sorted(communes))
        cur.execute(
            f"SELECT DISTINCT year FROM {rec} WHERE commune_id IN ({comm_list}) "
            f"AND year NOT IN ({year_list})"
        )
        other_years = {r[0] for r in cur.fetchall()}

        hh_upsert = (
            f"INSERT INTO {hh} (code, head_name, members, commune_id, division_id, area, "
            f"ethnic_minority, policy_household, updated_at, province_id) "
            f"SELECT code, head, members, commune_id, unit_id, area, ethnic, policy, %s, "
            f"province_id FROM {STAGE} WHERE superseded = 0 "
            f"ON CONFLICT (province_id, code) DO UPDATE SET head_name = excluded.head_name, "
            f"members = excluded.members, commune_id = excluded.commune_id, "
            f"division_id = excluded.division_id, area = excluded.area, "
            f"ethnic_minority = excluded.ethnic_minority, "
            f"policy_household = excluded.policy_household, updated_at = excluded.updated_at"
        )
        rec_columns = (
            f"INSERT INTO {rec} (household_id, year, commune_id, division_id, area, members, "
            f"income, housing_area, deprivations, deprivation_count, standard_id, classification, "
            f"transition, arising, arising_reason, batch_id, updated_at, province_id) "
            f"SELECT h.id, s.year, s.commune_id, s.unit_id, s.area, s.members, s.income, "
            f"s.housing, s.mask, s.dcount, s.standard_id, s.klass, %s, %s, '', %s, %s, "
            f"h.province_id "
        )
        rec_conflict = (
            "ON CONFLICT (province_id, household_id, year) DO UPDATE SET commune_id = excluded.commune_id, "
            "division_id = excluded.division_id, area = excluded.area, "
            "members = excluded.members, income = excluded.income, "
            "housing_area = excluded.housing_area, deprivations = excluded.deprivations, "
            "deprivation_count = excluded.deprivation_count, "
            "standard_id = excluded.standard_id, classification = excluded.classification, "
            "batch_id = excluded.batch_id, updated_at = excluded.updated_at"
        )
        rec_params = [T.FIRST.value, False, batch.pk, now]
        # the change table (audit.changes): what this file changes, before it is written
        run = changes.run_key("poverty.ImportBatch", batch.pk)
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {hh}")
        max_hh = int(cur.fetchone()[0])
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {rec}")
        max_rec = int(cur.fetchone()[0])
        if max_hh:
            changes.record_updates(
                cur, run, "poverty.Household",
                from_sql=(
                    f"FROM {STAGE} s JOIN {hh} h ON h.code = s.code "
                    "AND h.province_id = s.province_id WHERE s.superseded = 0"
                ),
                id_expr="h.id", pairs=HOUSEHOLD_PAIRS,
            )  # fmt: skip
        if not fresh:
            changes.record_updates(
                cur, run, "poverty.ReviewRecord",
                from_sql=(
                    f"FROM {STAGE} s JOIN {hh} h ON h.code = s.code "
                    "AND h.province_id = s.province_id "
                    f"JOIN {rec} r ON r.household_id = h.id AND r.year = s.year WHERE true"
                ),
                id_expr="r.id", pairs=RECORD_PAIRS,
                carry=[("batch_id", "r.batch_id", str(int(batch.pk)))],
            )  # fmt: skip
        if is_pg() and len(years) == 1:
            # one statement: the records join the upserted households' RETURNING rows instead
            # of probing the household code index a second time
            cur.execute(
                f"WITH h AS ({hh_upsert} RETURNING id, code, province_id) {rec_columns}"
                f"FROM {STAGE} s JOIN h ON h.code = s.code AND h.province_id = s.province_id "
                f"{rec_conflict}",
                [now, *rec_params],
            )
        else:
            cur.execute(hh_upsert, [now])
            cur.execute(
                f"{rec_columns}FROM {STAGE} s JOIN {hh} h ON h.code = s.code "
                f"AND h.province_id = s.province_id WHERE true "
                f"{rec_conflict}",
                rec_params,
            )
        # created: the ids drawn since (on SQLite the import's write lock keeps everyone else
        # out; on PostgreSQL another writer's new household has a code of its own)
        new_hh = f"SELECT id FROM {hh} WHERE id > {max_hh}"
        if max_hh and is_pg():
            new_hh += f" AND code IN (SELECT code FROM {STAGE})"  # (any province: a superset)
        new_rec = f"SELECT id FROM {rec} WHERE id > {max_rec} AND batch_id = {int(batch.pk)}"
        for label, ids_sql in (("poverty.Household", new_hh), ("poverty.ReviewRecord", new_rec)):
            cur.execute(f"{ids_sql} LIMIT 1")
            if cur.fetchone() is not None:  # a re-imported file creates nothing
                changes.record_created(cur, run, label, ids_sql)
        rebuild_years = set(years)
        if other_years or len(years) > 1:
            recompute_transitions(
                f"SELECT h.id FROM {hh} h JOIN {STAGE} s ON s.code = h.code "
                f"AND s.province_id = h.province_id WHERE s.superseded = 0"
            )
            rebuild_years |= {y for y in other_years if y > min(years)}
            figures.rebuild(rebuild_years, communes)
        elif fresh:
            # First records of these communes and year: the figures are this file's, counted
            # while validating (every transition is "first").
            PovertyFigure.objects.filter(year__in=years, commune_id__in=communes).delete()
            store_file_figures(result.figures)
        else:
            figures.rebuild(rebuild_years, communes)
        recorded(batch, result, user, communes, rebuild_years)


def store_file_figures(aggs: dict) -> None:
    rows = []
    for (unit_id, year, urban), (commune_id, key, n, poor, near, middle, masks) in aggs.items():
        deprived: dict[str, int] = {}
        for mask, count in masks.items():
            bit = 1
            while mask:
                if mask & 1:
                    deprived[str(bit)] = deprived.get(str(bit), 0) + count
                mask >>= 1
                bit += 1
        rows.append(
            PovertyFigure(
                division_id=unit_id, commune_id=commune_id, year=year, area=int(urban),
                standard_key=key, households=n, poor=poor, near_poor=near, middle=middle,
                poor_deprived=dict(sorted(deprived.items(), key=lambda x: int(x[0]))),
                transitions={T.FIRST.value: n},
            )
        )  # fmt: skip
    PovertyFigure.objects.bulk_create(rows, batch_size=2000)


def _notify_after_commit(commune_ids: set[int], years: set[int]) -> None:
    from tamnong.core.signals import figures_changed

    def send():
        for commune in Division.objects.filter(pk__in=commune_ids):
            for year in sorted(years):
                figures_changed.send(
                    sender=ReviewRecord, source="poverty", division=commune, year=year
                )

    transaction.on_commit(send)
