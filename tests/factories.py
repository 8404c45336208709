"""Valid test identities, computed independently of supervise.validation."""

from __future__ import annotations

import itertools

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_counter = itertools.count(1)


def id_number(serial: int | None = None, birth: str = "19800101") -> str:
    """An 18-character 居民身份证号码 with a correct GB 11643 check character."""
    n = next(_counter) if serial is None else serial
    body = f"500103{birth}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


def credit_code(serial: int | None = None, prefix: str = "52500103") -> str:
    """An 18-character 统一社会信用代码 with both check characters correct."""
    n = next(_counter) if serial is None else serial
    org8 = f"MJ{n % 1_000_000:06d}"
    values = [int(c) if c.isdigit() else ord(c) - 55 for c in org8]
    c9 = 11 - sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True)) % 11
    org9 = org8 + {10: "X", 11: "0"}.get(c9, str(c9))
    body = prefix + org9
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(body, weights, strict=True))
    return body + _CREDIT_ALPHABET[(31 - total % 31) % 31]
