"""The demo province: a deterministic, realistic province on the real 2025 map."""

from __future__ import annotations

import random

from django.db import transaction

from tamnong.accounts.models import Membership, Role, User
from tamnong.divisions.models import Division, Level
from tamnong.divisions.services import current_map

from .registry import DemoContext, steps

DEMO_PASSWORD = "TamNong@2025"

# Village name parts common in northern mountain provinces (Lạng Sơn): "Thôn Nà Pàn", "Bản Khòn Khẻ".
_FIRST = [
    "Nà",
    "Khòn",
    "Bản",
    "Pò",
    "Còn",
    "Khuổi",
    "Phai",
    "Lũng",
    "Pác",
    "Nặm",
    "Co",
    "Tà",
    "Kéo",
    "Làng",
]
_SECOND = [
    "Pàn",
    "Khẻ",
    "Mới",
    "Cũ",
    "Lệnh",
    "Phiêng",
    "Sào",
    "Tèo",
    "Nưa",
    "Slằng",
    "Đông",
    "Tây",
    "Trung",
    "Rọ",
    "Chang",
    "Mò",
    "Hin",
    "Cà",
    "Khuông",
    "Lạn",
]

DEMO_USERS = [
    # username, full name, role, where ("province", "country" or commune index)
    ("quantri", "Quản trị hệ thống", Role.ADMIN, "province"),
    ("dieuphoi", "Nguyễn Văn Điều (Văn phòng điều phối)", Role.COORDINATOR, "province"),
    ("songanh", "Trần Thị Ngành (Sở Nông nghiệp và Môi trường)", Role.DEPARTMENT, "province"),
    ("canboxa", "Hoàng Văn Xã (cán bộ xã)", Role.COMMUNE_OFFICER, 0),
    ("canboxa2", "Lục Thị Hai (cán bộ xã)", Role.COMMUNE_OFFICER, 1),
    ("hoidong", "Vi Văn Đồng (thành viên Hội đồng OCOP)", Role.COUNCIL_MEMBER, "province"),
    ("thuky", "Lương Thị Ký (thư ký Hội đồng OCOP)", Role.COUNCIL_SECRETARY, "province"),
    ("chuthe", "HTX Nông sản Demo (chủ thể OCOP)", Role.PRODUCER, 0),
    ("lanhdao", "Lãnh đạo UBND tỉnh", Role.LEADER, "province"),
    # the central level: held on the country (no division), reading every province
    ("trunguong", "Văn phòng Điều phối Trung ương", Role.NATIONAL_COORDINATOR, "country"),
    ("lanhdaotw", "Lãnh đạo Bộ (xem báo cáo toàn quốc)", Role.NATIONAL_LEADER, "country"),
]


@transaction.atomic
def build(
    province_code: str = "20", households: int = 0, seed: int = 2025, say=print
) -> DemoContext:
    cur = current_map()
    if cur is None:
        raise ValueError("Chưa nạp đơn vị hành chính: chạy `tamnong divisions load` trước.")
    province = Division.objects.get(map=cur, level=Level.PROVINCE, code=province_code)
    communes = list(province.children.filter(level=Level.COMMUNE).order_by("code"))
    rng = random.Random(seed)
    villages = _build_villages(communes, rng)
    say(f"{province.name}: {len(communes)} xã/phường, {villages} thôn/tổ dân phố mới")
    users = _build_users(province, communes)
    ctx = DemoContext(province=province, seed=seed, households=households, say=say, users=users)
    for _order, name, func in steps():
        say(f"bước: {name}")
        func(ctx)
    return ctx


def _build_villages(communes: list[Division], rng: random.Random) -> int:
    created = 0
    for commune in communes:
        n = rng.randint(6, 14)
        if commune.children.filter(level=Level.VILLAGE).exists():
            continue
        urban = commune.kind == "phuong"
        names, rows = set(), []
        while len(names) < n:
            name = (
                f"Tổ dân phố {len(names) + 1}"
                if urban
                else f"Thôn {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
            )
            names.add(name)
        for i, name in enumerate(sorted(names), start=1):
            rows.append(
                Division(
                    map=commune.map,
                    code=f"{commune.code}.{i:03d}",
                    name=name,
                    kind="to_dan_pho" if urban else "thon",
                    level=Level.VILLAGE,
                    parent=commune,
                    valid_from=commune.valid_from,
                    path="",
                )
            )
        Division.objects.bulk_create(rows)
        for v in rows:
            v.path, v.current_id = f"{commune.path}{v.pk}/", v.pk
        Division.objects.bulk_update(rows, ["path", "current"])
        created += len(rows)
    return created


def _build_users(province: Division, communes: list[Division]) -> dict[str, User]:
    rural = [c for c in communes if c.kind == "xa"] or communes
    users = {}
    for username, full_name, role, where in DEMO_USERS:
        division = (
            {"province": province, "country": None}.get(where)
            if isinstance(where, str)
            else rural[where]
        )
        user, created = User.objects.get_or_create(
            username=username, defaults={"full_name": full_name}
        )
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.full_name = full_name
        user.is_superuser = user.is_staff = role == Role.ADMIN
        user.save()
        Membership.objects.get_or_create(
            user=user,
            division=division,
            role=role,
            producer_ref="CT00-00001" if role == Role.PRODUCER else "",
        )
        users[username] = user
    return users
