"""The documents of a dossier under a regime with a `dossier` rule (26/2026 Điều 6, 7.2): which
are required for its kind (Mẫu 01, Mẫu 02; the commune's report Mẫu 03; five product samples,
none for the sets of `samples.except_set_nos`) and whether each is present; and the list of its
files for the paper set (name, kind, SHA-256, uploader, time)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .. import procedure
from ..models import Dossier, DossierFile

# kind of dossier → the key of `dossier.producer` in the regime
KIND_KEYS = {
    Dossier.Kind.NEW: "first",
    Dossier.Kind.UPGRADE: "upgrade",
    Dossier.Kind.RENEWAL: "reevaluation",
}
# a form of Phụ lục III → the kind of file that carries it
FORM_FILES = {
    "mau_01": DossierFile.Kind.REGISTRATION,
    "mau_02": DossierFile.Kind.SELF_ASSESSMENT,
    "mau_03": DossierFile.Kind.COMMUNE_REPORT,
}


@dataclass
class Document:
    code: str
    label: str
    article: str
    present: bool
    detail: str = ""
    exempt: bool = False
    files: list = field(default_factory=list)


def form_label(forms: dict, code: str) -> str:
    number = code.rsplit("_", 1)[-1]
    return f"{forms.get(code, code)} ({_('Mẫu')} {number})"


def dossier_documents(dossier: Dossier) -> list[Document]:
    """The documents the dossier's regime requires for its kind, present or missing ([] when the
    regime has no such rule or the dossier was imported)."""
    spec = procedure.rule(dossier.regime, "dossier")
    key = KIND_KEYS.get(dossier.kind)
    if spec is None or key is None:
        return []
    forms = spec.get("forms") or {}
    files: dict[str, list[DossierFile]] = {}
    for f in dossier.files.all():
        files.setdefault(f.kind, []).append(f)
    producer = (spec.get("producer") or {}).get(key) or {}
    items = []
    for code in producer.get("documents") or []:
        kind = FORM_FILES.get(code)
        found = files.get(kind, []) if kind else []
        detail = ""
        if code == "mau_02" and producer.get("mau_02_must_update"):
            detail = _("Cập nhật: %(items)s") % {"items": ", ".join(producer["mau_02_must_update"])}
        elif code == "mau_02" and producer.get("mau_02_must_show"):
            detail = _("Nêu rõ các thay đổi so với sản phẩm đã được công nhận, kèm minh chứng")
        items.append(
            Document(
                code,
                form_label(forms, code),
                str(producer.get("article") or spec.get("article") or ""),
                bool(found),
                detail,
                files=found,
            )
        )
    check = procedure.rule(dossier.regime, "commune_check")
    if check and check.get("report_form"):
        code = str(check["report_form"])
        found = files.get(FORM_FILES.get(code, ""), [])
        items.append(
            Document(
                code,
                form_label(forms, code),
                str(check.get("article") or ""),
                bool(found) or bool(dossier.commune_report.strip()),
                _("Đánh giá: %(items)s") % {"items": "; ".join(check.get("assesses") or [])},
                files=found,
            )
        )
    samples = spec.get("samples")
    if samples:
        count = int(samples["count"])
        label = _("%(count)s mẫu sản phẩm") % {"count": count}
        article = str(samples.get("article") or "")
        if dossier.product.set_no in [int(n) for n in samples.get("except_set_nos") or []]:
            items.append(
                Document(
                    "samples",
                    label,
                    article,
                    True,
                    _("Không yêu cầu đối với bộ sản phẩm %(set)s")
                    % {"set": dossier.product.set_no},
                    exempt=True,
                )
            )
        else:
            received = dossier.samples_received or 0
            items.append(
                Document("samples", label, article, received >= count, f"{received}/{count}")
            )
    return items


def file_sha256(f: DossierFile) -> str:
    """The file's SHA-256: the stored one where the model keeps it, else read from storage
    ("" if the file cannot be read)."""
    stored = getattr(f, "sha256", "")
    if stored:
        return stored
    digest = hashlib.sha256()
    try:
        with f.file.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except (OSError, ValueError):
        return ""
    return digest.hexdigest()
