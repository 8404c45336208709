"""Shared set-up of the bureau tests: an area file, a director, organizations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supervise.office import Office
from supervise.story import credit_code

AREAS = """district,township,kind,code
渝中区,解放碑街道,街道,500103001
渝中区,七星岗街道,街道,500103002
渝中区,大溪沟街道,街道,500103003
渝北区,龙溪街道,街道,500112001
渝北区,统景镇,乡镇,500112101
忠县,忠州街道,街道,500233001
"""


def load_areas(office: Office, tmp_path: Path, text: str = AREAS) -> Path:
    path = tmp_path / "areas.csv"
    path.write_text(text, encoding="utf-8")
    office.import_areas(path)
    return path


def add_director(office: Office, name: str = "wang") -> str:
    """A director, with an admin (root) and the supervisor zhang the tests act as: once the
    office has users, the permission table (issue 11) applies to everyone."""
    names = {u.name for u in office.users(actor="root")} if _has_users(office) else set()
    if "root" not in names:
        office.add_user("root", email="root@mzj.example.gov.cn", role="admin", actor="root")
    if "zhang" not in names:
        office.add_user("zhang", email="zhang@mzj.example.gov.cn", role="supervisor", actor="root")
    office.add_user(name, email=f"{name}@mzj.example.gov.cn", role="director", actor="root")
    return name


def _has_users(office: Office) -> bool:
    try:
        return bool(office.users(actor="root"))
    except Exception:  # noqa: BLE001 - root is not a user yet: the directory is not empty
        return True


def org(office: Office, **extra: Any) -> int:
    return office.add_org(
        name=extra.pop("name", f"组织{credit_code()[-6:]}"),
        credit_code=extra.pop("credit_code", credit_code()),
        district=extra.pop("district", "渝中区"),
        kind=extra.pop("kind", "service-org"),
        **extra,
    ).id
