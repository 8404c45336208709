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
    office.add_user(name, email=f"{name}@mzj.example.gov.cn", role="director")
    return name


def org(office: Office, **extra: Any) -> int:
    return office.add_org(
        name=extra.pop("name", f"组织{credit_code()[-6:]}"),
        credit_code=extra.pop("credit_code", credit_code()),
        district=extra.pop("district", "渝中区"),
        kind=extra.pop("kind", "service-org"),
        **extra,
    ).id
