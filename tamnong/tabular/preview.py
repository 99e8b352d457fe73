"""Preview before commit (xem trước khi nhập), the same for every import that registers here.

An upload is kept as a `PendingImport`; a background job checks it exactly as the import would
(a dry run: every row checked and written, then rolled back) and the preview page shows what
will be created, updated and rejected, with every fault of each row. Headers that named no
column are shown with dropdowns: the user maps them once, the mapping is saved for the
organisation and the file's shape (`mapping.py`) and the preview runs again. Nothing is written
until the user confirms; the commit is then the import's own job (atomic, with progress).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .columns import Column, Layout
from .errors import FileRefused
from .mapping import save_mapping


@dataclass(frozen=True)
class ImportSpec:
    key: str  # "ocop", "poverty"
    title: str  # Vietnamese (lazy)
    columns: Callable[[], Sequence[Column]]
    preview_job: str  # job kind of the dry run: params path, user_id, file_name, mapping
    commit_job: str  # job kind of the import: the same params
    upload_url: str  # URL name of the upload page
    limits: Callable[[], object] | None = None
    # the columns of an import whose columns depend on what the upload form asked (the NTM
    # results of one criteria set: a column per indicator): called with the pending's params
    columns_for: Callable[[dict], Sequence[Column]] | None = None

    def columns_of(self, params: dict | None) -> Sequence[Column]:
        if self.columns_for is not None:
            return self.columns_for(params or {})
        return self.columns()


SPECS: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    SPECS[spec.key] = spec
    return spec


def _deferred(dotted: str, *, call: bool = False) -> Callable:
    """What `dotted` names, imported only when asked (an app's importer is heavy and imports this
    layer, so its tasks module names it by path); with `call`, the result of calling it."""

    def get(*args):
        from django.utils.module_loading import import_string

        target = import_string(dotted)
        return target(*args) if call else target

    return get


def register_import(
    key: str,
    title,
    *,
    jobs: str,
    upload_url: str,
    limits: str,
    columns: str = "",
    read_columns: str = "",
) -> ImportSpec:
    """An app's import, declared once: `jobs` is the prefix of its two job kinds (`<jobs>preview`
    checks, `<jobs>import` writes); `limits` is a dotted path to a value, `columns` to the
    columns or to a function of no argument that reads them, and `read_columns` to a function of
    the pending's params (when the columns depend on what the upload form asked: a column per
    indicator of one criteria set)."""
    columns_for = _deferred(read_columns, call=True) if read_columns else None

    def fixed_columns():
        found = _deferred(columns)()
        return found() if callable(found) else found

    return register(
        ImportSpec(
            key=key,
            title=title,
            columns=fixed_columns if columns else (lambda: columns_for({})),
            columns_for=columns_for,
            preview_job=f"{jobs}preview",
            commit_job=f"{jobs}import",
            upload_url=upload_url,
            limits=_deferred(limits),
        )
    )


def spec_for(key: str) -> ImportSpec:
    if key not in SPECS:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
    return SPECS[key]


def say_uploaded(request, pending) -> None:
    """The 'saved' message of an upload: the file is kept and being checked, nothing written yet."""
    from django.contrib import messages
    from django.utils.translation import gettext

    messages.success(
        request,
        gettext(
            "Đã tải lên tệp «%(name)s». Hệ thống đang kiểm tra; xem kết quả bên dưới rồi bấm "
            "«Xác nhận nhập» (chưa ghi dòng nào)."
        )
        % {"name": pending.file_name},
    )


def stash(upload, key: str, user, params: dict | None = None):
    """Keep an upload for its preview; start the dry run. The pending import owns the file.
    `params`: what the upload form asked besides the file (the NTM criteria set and year), given
    to the preview and the commit jobs as they are."""
    from tamnong.jobs import files as job_files

    from .models import PendingImport

    path = job_files.save_upload(upload)
    pending = PendingImport.objects.create(
        import_key=key,
        file_name=(upload.name or "")[:255],
        path=path,
        created_by=user,
        params=dict(params or {}),
    )
    pending.mapping = _saved_for(pending)
    start_preview(pending)
    return pending


def _saved_for(pending) -> dict:
    """The organisation's saved mapping for the shape of this file, else a shipped mapping
    that fits it ({} if none)."""
    from . import reading
    from .columns import find_layout
    from .mapping import saved_mapping, shape_of, shipped_layout

    spec = spec_for(pending.import_key)
    limits = spec.limits() if spec.limits else reading.DEFAULT_LIMITS
    try:
        table = reading.open_table(pending.path, name=pending.file_name, limits=limits)
        first = find_layout(table, spec.columns_of(pending.params))
    except (FileRefused, OSError):
        return {}
    saved = saved_mapping(pending.import_key, pending.created_by, shape_of(first.headers))
    # else the mapping shipped for a standard form (the ministry's review form) when it fits
    return (
        saved
        or shipped_layout(table, spec.columns_of(pending.params), pending.import_key, first)[1]
    )


def start_preview(pending) -> None:
    from tamnong.jobs.services import enqueue

    spec = spec_for(pending.import_key)
    pending.job = enqueue(
        spec.preview_job,
        user=pending.created_by,
        path=pending.path,
        user_id=pending.created_by_id,
        file_name=pending.file_name,
        mapping=pending.mapping or None,
        **(pending.params or {}),
    )
    pending.save(update_fields=["job", "mapping"])


def confirm(pending):
    """Queue the import itself on a copy of the file (owned by that job); the job."""
    from tamnong.jobs import files as job_files
    from tamnong.jobs.services import enqueue

    from .models import PendingImport

    spec = spec_for(pending.import_key)
    copy = job_files.temp_path(Path(pending.path).suffix)
    shutil.copyfile(pending.path, copy)
    job = enqueue(
        spec.commit_job,
        user=pending.created_by,
        files=[copy],
        path=copy,
        user_id=pending.created_by_id,
        file_name=pending.file_name,
        mapping=pending.mapping or None,
        **(pending.params or {}),
    )
    pending.state = PendingImport.State.CONFIRMED
    pending.save(update_fields=["state"])
    Path(pending.path).unlink(missing_ok=True)
    return job


def discard(pending) -> None:
    from .models import PendingImport

    pending.state = PendingImport.State.DISCARDED
    pending.save(update_fields=["state"])
    Path(pending.path).unlink(missing_ok=True)


def read_layout(pending) -> tuple[Layout | None, list[str], str, str]:
    """(layout, the header row as first found, a refusal message, the legacy encoding the text
    was typed in, e.g. "TCVN3 (ABC)") of a pending file."""
    from . import reading
    from .columns import find_layout

    spec = spec_for(pending.import_key)
    columns = spec.columns_of(pending.params)
    limits = spec.limits() if spec.limits else reading.DEFAULT_LIMITS
    try:
        table = reading.open_table(pending.path, name=pending.file_name, limits=limits)
        first = find_layout(table, columns)
        layout = find_layout(table, columns, mapping=pending.mapping) if pending.mapping else first
        return layout, first.headers, "", table.legacy_name
    except FileRefused as exc:
        return None, [], str(exc), ""
    except OSError:
        return None, [], _("Tệp tải lên không còn; hãy tải lên lại."), ""


SKIP = ""


class MappingForm(forms.Form):
    """One dropdown per header of the file: the column it is read as (or none)."""

    def __init__(self, *args, layout: Layout, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.layout = layout
        by_pos = {p: k for k, p in layout.positions.items()}
        choices = [(SKIP, gettext_lazy("— không nhập cột này —"))] + [
            (c.key, c.header) for c in layout.columns
        ]
        self.rows = []
        for pos, header in enumerate(layout.headers):
            if not header:
                continue
            name = f"col_{pos}"
            self.fields[name] = forms.ChoiceField(
                label=header, choices=choices, required=False, initial=by_pos.get(pos, SKIP)
            )
            self.rows.append((pos, header, name, pos not in by_pos))

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for _pos, header, name, _unmatched in self.rows:
            key = data.get(name) or ""
            if key and key in chosen.values():
                other = next(h for h, k in chosen.items() if k == key)
                self.add_error(
                    name,
                    _("Cột «%(col)s» đã được chọn cho «%(other)s».")
                    % {"col": dict(self.fields[name].choices)[key], "other": other},
                )
            elif key:
                chosen[header] = key
        data["mapping"] = chosen
        return data

    def bound_rows(self):
        return [(header, self[name], unmatched) for _pos, header, name, unmatched in self.rows]


def save(pending, headers: Sequence[str], mapping: dict[str, str]) -> None:
    """Save the user's mapping for the organisation and file shape; preview again with it."""
    save_mapping(pending.import_key, pending.created_by, headers, mapping)
    pending.mapping = mapping
    pending.save(update_fields=["mapping"])
    start_preview(pending)
