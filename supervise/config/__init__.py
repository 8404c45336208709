"""Settings: the packaged ``config.yaml`` defaults, layered under an office's own file.

Domain-adjacent: imports the standard library, PyYAML and the legal vocabulary
(``law.py``) whose types the settings are made of. Nothing reads settings at
import time; :func:`load_settings` is called by the entry points and tests build
``Settings`` through it with their own files.

The packaged defaults hold every key, so an office's file holds only what it changes.
Unknown keys and values of the wrong type are refused, naming the key.

The sections' classes are imported from ``settings.py`` or ``sections.py`` when first named
here: a read command builds only the sections it reads (``effective.py``) and never defines
the others.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supervise.config.effective import Settings
from supervise.config.loader import (
    load_settings,
    packaged_defaults,
    settings_as_dict,
)

if TYPE_CHECKING:
    from supervise.config.sections import (
        PARTY_RECIPIENTS,
        PLACEHOLDER_ADDRESS_MARK,
        PLACEHOLDER_PHONE,
        AreaSettings,
        DeliveryConfig,
        DigestConfig,
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
        MailFileConfig,
        PersonalDataSettings,
        SmtpConfig,
    )

__all__ = [
    "AreaSettings",
    "DatabaseSettings",
    "DateSettings",
    "DeliveryConfig",
    "DigestConfig",
    "LogSettings",
    "MailConfig",
    "MailFileConfig",
    "NoticeSettings",
    "OfficeSettings",
    "OrganizationSettings",
    "PersonalDataSettings",
    "PARTY_RECIPIENTS",
    "PLACEHOLDER_ADDRESS_MARK",
    "PLACEHOLDER_PHONE",
    "RemindersSettings",
    "Settings",
    "SmtpConfig",
    "load_settings",
    "packaged_defaults",
    "settings_as_dict",
]

#: The names ``settings.py`` defines (the others are in ``sections.py``).
_EVERY_COMMAND = frozenset(
    {
        "DatabaseSettings",
        "DateSettings",
        "LogSettings",
        "MailConfig",
        "MailFileConfig",
        "PersonalDataSettings",
        "SmtpConfig",
    }
)


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__, not importlib.import_module: ``-X importtime`` (tests/perf) sees only the
    # former.
    module = "settings" if name in _EVERY_COMMAND else "sections"
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value
