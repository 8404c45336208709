"""The effective settings: one object whose sections are built on first use.

Each section is a frozen dataclass (``settings.py``, ``sections.py``, ``law``, …),
built from the checked plain data by :mod:`supervise.yaml_dataclasses`. Building all of
them, and importing the modules that define them, cost a read command a sixth of its
start-up (issue 13, target 3); the loader checks a configuration whole once and keeps the
checked data (``loader.py``), so a command pays only for the sections it reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from supervise.errors import ConfigError
from supervise.yaml_dataclasses import convert

if TYPE_CHECKING:
    from supervise.config.sections import (
        AreaSettings,
        NoticeSettings,
        OfficeSettings,
        OrganizationSettings,
        RemindersSettings,
    )
    from supervise.config.settings import (
        DatabaseSettings,
        DateSettings,
        LogSettings,
        MailConfig,
        PersonalDataSettings,
    )
    from supervise.evaluation import EvaluationSettings
    from supervise.inputs import DateRange
    from supervise.law import Basis, Periods
    from supervise.report_coverage import ReportSettings
    from supervise.scrutiny import ScrutinySettings

#: The top-level keys in the order ``config show`` prints them, each with the module and
#: class of its section; ``timezone`` and ``roles`` are plain values.
SECTIONS: dict[str, tuple[str, str]] = {
    "timezone": ("", "str"),
    "database": ("supervise.config.settings", "DatabaseSettings"),
    "roles": ("", "roles"),
    "periods": ("supervise.law", "Periods"),
    "bases": ("supervise.law", "Basis"),
    "office": ("supervise.config.sections", "OfficeSettings"),
    "mail": ("supervise.config.settings", "MailConfig"),
    "reminders": ("supervise.config.sections", "RemindersSettings"),
    "notices": ("supervise.config.sections", "NoticeSettings"),
    "dates": ("supervise.config.settings", "DateSettings"),
    "log": ("supervise.config.settings", "LogSettings"),
    "areas": ("supervise.config.sections", "AreaSettings"),
    "organizations": ("supervise.config.sections", "OrganizationSettings"),
    "evaluation": ("supervise.evaluation", "EvaluationSettings"),
    "reports": ("supervise.report_coverage", "ReportSettings"),
    "personal_data": ("supervise.config.settings", "PersonalDataSettings"),
    "decisions": ("supervise.scrutiny", "ScrutinySettings"),
}
#: Sections with no defaults of their own: the packaged file gives them.
REQUIRED = ("timezone", "database", "roles", "periods", "bases", "office")


def _hint(key: str) -> Any:
    module, name = SECTIONS[key]
    if key == "timezone":
        return str
    if key == "roles":
        return tuple[str, ...]
    # __import__, not importlib.import_module: ``-X importtime`` (tests/perf) sees only the
    # former.
    cls = getattr(__import__(module, fromlist=[name]), name)
    return dict[str, cls] if key == "bases" else cls  # type: ignore[valid-type]


class Settings:
    """The settings in effect: the packaged defaults with an office's file over them.

    Read-only. ``source`` names the files they came from, in order.
    """

    __slots__ = ("_data", "_built", "_source")

    def __init__(self, data: Mapping[str, Any], source: tuple[str, ...] = ()) -> None:
        """Settings from plain data (parsed YAML). Unknown and missing sections are refused
        here; a section's own keys and types when it is first read (or by :meth:`build_all`).

        Raises:
            ConfigError: a top-level key is unknown or a required one is missing.
        """
        for key in data:
            if key not in SECTIONS:
                raise ConfigError(
                    f"unknown config key {key}; known keys here: {', '.join(sorted(SECTIONS))}"
                )
        for key in REQUIRED:
            if key not in data:
                raise ConfigError(f"config key {key} is missing")
        self._data = data
        self._built: dict[str, Any] = {}
        self._source = source

    def __repr__(self) -> str:
        return f"Settings(source={self._source!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return self._source == other._source and self._data == other._data

    __hash__ = None  # type: ignore[assignment]  # equal by contents, which are mutable

    def _section(self, key: str) -> Any:
        try:
            return self._built[key]
        except KeyError:
            pass
        hint = _hint(key)
        # A section the data leaves out has its class's defaults (the packaged file lists
        # every section; settings built from other data may not).
        value = convert(hint, self._data[key], key) if key in self._data else hint()
        self._built[key] = value
        return value

    def build_all(self) -> None:
        """Build every section, so that a wrong key or type anywhere is refused now.

        Raises:
            ConfigError: the first section that is not what its class says.
        """
        for key in SECTIONS:
            self._section(key)

    @property
    def source(self) -> tuple[str, ...]:
        return self._source

    @property
    def timezone(self) -> str:
        return cast(str, self._section("timezone"))

    @property
    def database(self) -> DatabaseSettings:
        return cast("DatabaseSettings", self._section("database"))

    @property
    def roles(self) -> tuple[str, ...]:
        return cast("tuple[str, ...]", self._section("roles"))

    @property
    def periods(self) -> Periods:
        return cast("Periods", self._section("periods"))

    @property
    def bases(self) -> dict[str, Basis]:
        return cast("dict[str, Basis]", self._section("bases"))

    @property
    def office(self) -> OfficeSettings:
        return cast("OfficeSettings", self._section("office"))

    @property
    def mail(self) -> MailConfig:
        return cast("MailConfig", self._section("mail"))

    @property
    def reminders(self) -> RemindersSettings:
        return cast("RemindersSettings", self._section("reminders"))

    @property
    def notices(self) -> NoticeSettings:
        return cast("NoticeSettings", self._section("notices"))

    @property
    def dates(self) -> DateSettings:
        return cast("DateSettings", self._section("dates"))

    @property
    def log(self) -> LogSettings:
        return cast("LogSettings", self._section("log"))

    @property
    def areas(self) -> AreaSettings:
        return cast("AreaSettings", self._section("areas"))

    @property
    def organizations(self) -> OrganizationSettings:
        return cast("OrganizationSettings", self._section("organizations"))

    @property
    def evaluation(self) -> EvaluationSettings:
        return cast("EvaluationSettings", self._section("evaluation"))

    @property
    def reports(self) -> ReportSettings:
        return cast("ReportSettings", self._section("reports"))

    @property
    def personal_data(self) -> PersonalDataSettings:
        return cast("PersonalDataSettings", self._section("personal_data"))

    @property
    def decisions(self) -> ScrutinySettings:
        return cast("ScrutinySettings", self._section("decisions"))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def date_range(self) -> DateRange:
        return self.dates.range
