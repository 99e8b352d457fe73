"""Communication, training and commendations."""

from __future__ import annotations

from django.db.models import Count, Sum

from ..models import Activity, Commendation
from ..registry import provider
from ..summary import ReportContext, Section, Table


@provider("activities", order=50, kind="section")
def activities(ctx: ReportContext) -> Section:
    p = ctx.period
    rows = list(
        Activity.objects.filter(ctx.records_q(), date__range=(p.first_day, p.last_day))
        .values("kind__code", "kind__name")
        .annotate(n=Count("id"), people=Sum("participants"), materials=Sum("materials"))
        .order_by("kind__id")
    )
    paragraphs = []
    for r in rows:
        link = ctx.link("activities", kind=r["kind__code"])
        sentence = [
            f"{r['kind__name']}: ",
            ctx.n(r["n"], link),
            " lượt với ",
            ctx.n(r["people"], link),
            " người tham dự",
        ]
        if r["materials"]:
            sentence += [", phát hành ", ctx.n(r["materials"], link), " tài liệu"]
        paragraphs.append([*sentence, "."])
    honours = list(
        Commendation.objects.filter(ctx.records_q(), date__range=(p.first_day, p.last_day))
        .values("recipient_kind")
        .annotate(n=Count("id"))
        .order_by("recipient_kind")
    )
    if honours:
        labels = dict(Commendation.Recipient.choices)
        sentence = ["Khen thưởng: "]
        for i, r in enumerate(honours):
            sentence += ([", "] if i else []) + [
                ctx.n(r["n"], ctx.link("commendations", recipient_kind=r["recipient_kind"])),
                f" {str(labels[r['recipient_kind']]).lower()}",
            ]
        paragraphs.append([*sentence, "."])
    if not paragraphs:
        paragraphs.append(
            [f"Chưa có số liệu hoạt động truyền thông, tập huấn, khen thưởng trong kỳ {p}."]
        )
    tables = []
    if rows:
        tables.append(
            Table(
                "Hoạt động truyền thông, tập huấn",
                ["Loại hoạt động", "Số lượt", "Người tham dự", "Tài liệu"],
                [
                    [r["kind__name"], ctx.n(r["n"]), ctx.n(r["people"]), ctx.n(r["materials"])]
                    for r in rows
                ],
                numeric=[1, 2, 3],
            )
        )
    return Section("activities", "Truyền thông, tập huấn và khen thưởng", paragraphs, tables)
