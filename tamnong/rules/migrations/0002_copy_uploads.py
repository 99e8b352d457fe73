"""Uploads of OCOP criteria sets and NTM sets, kept in their own tables until now, copied into the
one `rules.Upload` before those tables are dropped (ocop 0003, ntm 0003)."""

from django.db import migrations

_OCOP_STATUS = {"pending", "applied", "rejected", "discarded"}


def _problems(items, file):
    out = []
    for p in items or []:
        if isinstance(p, dict):
            out.append(
                {
                    "file": file,
                    "line": p.get("line"),
                    "field": str(p.get("field") or p.get("where") or ""),
                    "message": str(p.get("message", "")),
                }
            )
        else:
            out.append({"file": file, "line": None, "field": "", "message": str(p)})
    return out


def _changes(items):
    return [
        c if isinstance(c, dict) else {"what": str(c), "before": "", "after": ""}
        for c in items or []
    ]


def copy(apps, schema_editor):
    Upload = apps.get_model("rules", "Upload")
    rows = []
    for u in apps.get_model("ocop", "CriteriaUpload").objects.all():
        rows.append(
            Upload(
                programme="ocop",
                file_name=u.file_name,
                status=u.status if u.status in _OCOP_STATUS else "pending",
                content=u.content or None,
                problems=_problems(u.errors, u.file_name),
                warnings=[str(w) for w in u.warnings or []],
                changes=_changes(u.changes),
                previous_id=u.previous_id,
                result_id=u.result_id,
                created_by_id=u.created_by_id,
            )
        )
    for u in apps.get_model("ntm", "SetUpload").objects.all():
        problems = _problems(u.errors, u.filename)
        rows.append(
            Upload(
                programme="ntm",
                file_name=u.filename,
                key=u.key,
                status="rejected" if problems and u.state == "pending" else u.state,
                content=u.payload,
                problems=problems,
                changes=_changes(u.changes),
                result_id=u.applied_set_id,
                created_by_id=u.created_by_id,
            )
        )
    created = Upload.objects.bulk_create(rows)
    # keep the upload times (auto_now_add set them to now)
    times = [u.created_at for u in apps.get_model("ocop", "CriteriaUpload").objects.all()]
    times += [u.created_at for u in apps.get_model("ntm", "SetUpload").objects.all()]
    for up, when in zip(created, times, strict=True):
        Upload.objects.filter(pk=up.pk).update(created_at=when)


class Migration(migrations.Migration):
    dependencies = [
        ("rules", "0001_initial"),
        ("ocop", "0002_cert_stars_from_regime"),
        ("ntm", "0002_levels_and_readings"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
