"""Uploads with a preview, for every programme's rule documents (one model: `rules.Upload`).

    stage(...)   a checked file → an Upload (pending, or rejected with its problems); nothing else
    claim(...)   the pending upload, locked, for the programme to install its content
    finish(...)  mark it applied with the version it created
    discard(...) the administrator gives it up

Each programme checks and installs its own documents (ocop.rules, ntm.criteria); the states, the
error shape and the page (`rules/upload.html`, `page()`) are shared here.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from . import RuleError, may_load, problem
from .models import Upload


def problems_from(items, *, file: str = "") -> list[dict]:
    """Any programme's problem list in the one shape: strings, {where, message} or {file, line,
    field, message}."""
    out = []
    for p in items or []:
        if isinstance(p, dict) and "message" in p:
            if "where" in p and "field" not in p:
                out.append(problem(p["message"], file=file, field=str(p["where"] or "")))
            else:
                out.append({**problem(p["message"], file=file), **p})
        else:
            out.append(problem(str(p), file=file))
    return out


def changes_from(items) -> list[dict]:
    """Change rows {what, before, after}; a sentence stays whole in `what`."""
    return [
        c if isinstance(c, dict) else {"what": str(c), "before": "", "after": ""}
        for c in items or []
    ]


def stage(
    user,
    programme: str,
    file_name: str,
    *,
    content=None,
    problems=(),
    warnings=(),
    changes=(),
    key: str = "",
    previous_id: int | None = None,
) -> Upload:
    found = problems_from(problems, file=file_name[:255])
    return Upload.objects.create(
        programme=programme,
        file_name=file_name[:255],
        key=(key or "")[:80],
        status=Upload.Status.REJECTED if found else Upload.Status.PENDING,
        content=None if found else content,
        problems=found,
        warnings=[str(w) for w in warnings or []],
        changes=[] if found else changes_from(changes),
        previous_id=previous_id,
        created_by=user,
    )


def claim(upload: Upload | int, programme: str) -> Upload:
    """The pending upload, locked for the caller's transaction; a processed or rejected one is
    refused (RuleError)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic")
    pk = upload.pk if isinstance(upload, Upload) else upload
    up = Upload.objects.select_for_update().filter(pk=pk, programme=programme).first()
    if up is None or up.status != Upload.Status.PENDING or up.problems or up.content is None:
        raise RuleError(_("Bản tải lên này đã được xử lý hoặc có lỗi, không thể nạp."))
    return up


def finish(upload: Upload, result_id: int) -> None:
    upload.status, upload.result_id = Upload.Status.APPLIED, result_id
    upload.save(update_fields=["status", "result_id"])


def discard(upload: Upload) -> bool:
    updated = Upload.objects.filter(pk=upload.pk, status=Upload.Status.PENDING).update(
        status=Upload.Status.DISCARDED
    )
    return bool(updated)


def visible(user, pk: int, programme: str) -> Upload:
    """An upload its author or an administrator may see; anyone else: 404 (as if absent)."""
    up = Upload.objects.filter(pk=pk, programme=programme).first()
    if up is None or not (up.created_by_id == getattr(user, "pk", None) or may_load(user)):
        raise Http404
    return up


def recent(programme: str, limit: int = 10):
    return Upload.objects.filter(programme=programme).select_related("created_by")[:limit]


def where(p: dict) -> str:
    """The location of a problem in words (file, line, field)."""
    parts = []
    if p.get("line"):
        parts.append(_("dòng %(n)s") % {"n": p["line"]})
    if p.get("field"):
        parts.append(str(p["field"]))
    return ", ".join(parts) or (p.get("file") or "")


def handle(request, upload: Upload, *, apply, done, back_url: str, summary="", note: str = ""):
    """The upload page of every programme: POST `discard` gives the upload up (back to
    `back_url`); any other POST calls `apply(user, upload)` and, when it succeeds, answers
    `done(result)`; a refusal (RuleError or the programme's ValueError with `problems`/`errors`)
    is shown on the page with nothing written. `summary` may be a callable of the upload."""
    from django.contrib import messages
    from django.shortcuts import redirect

    errors = []
    if request.method == "POST":
        if request.POST.get("action") == "discard":
            if discard(upload):
                messages.success(request, _("Đã hủy bản tải lên."))
            return redirect(back_url)
        try:
            result = apply(request.user, upload)
        except (RuleError, ValueError) as exc:
            errors = getattr(exc, "problems", None) or getattr(exc, "errors", None) or [str(exc)]
        else:
            messages.success(request, _("Đã nạp %(s)s.") % {"s": result})
            return done(result)
        upload.refresh_from_db()
    if callable(summary):
        summary = summary(upload)
    return page(request, upload, summary=summary, back_url=back_url, errors=errors, note=note)


def page(request, upload: Upload, *, summary: str = "", back_url: str, errors=(), note: str = ""):
    """The one preview page of an upload (every programme): its problems with their place, the
    known warnings, the changes, and the confirm / discard buttons while pending."""
    from django.shortcuts import render

    extra = problems_from(errors, file=upload.file_name)
    status = 400 if (upload.problems or extra) else 200
    return render(
        request,
        "rules/upload.html",
        {
            "upload": upload,
            "summary": summary,
            "back_url": back_url,
            "note": note,
            "problems": [(where(p), p["message"]) for p in [*upload.problems, *extra]],
        },
        status=status,
    )
