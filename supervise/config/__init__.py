"""Settings: the packaged ``config.yaml`` defaults, layered under an office's own file.

Domain-adjacent: imports the standard library, PyYAML and the legal vocabulary
(``law.py``) whose types the settings are made of. Nothing reads settings at
import time; :func:`load_settings` is called by the entry points and tests build
``Settings`` through it with their own files.

The packaged defaults hold every key, so an office's file holds only what it changes.
Unknown keys and values of the wrong type are refused, naming the key.
"""

from __future__ import annotations

from supervise.config.loader import (
    load_settings,
    packaged_defaults,
    settings_as_dict,
)
from supervise.config.settings import (
    PARTY_RECIPIENTS,
    PLACEHOLDER_ADDRESS_MARK,
    PLACEHOLDER_PHONE,
    AreaSettings,
    DatabaseSettings,
    DateSettings,
    DeliveryConfig,
    DigestConfig,
    LogSettings,
    MailConfig,
    MailFileConfig,
    NoticeSettings,
    OfficeSettings,
    OrganizationSettings,
    PersonalDataSettings,
    RemindersSettings,
    Settings,
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
