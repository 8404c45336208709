"""Use cases for the personal-data key: rotate it, check it (service layer).

A rotation re-seals every ID number under the ring's first key, a batch of rows per
transaction: each row changes whole (sealed value and keyed hash together) or not at all,
and a rotation interrupted anywhere is finished by running it again (rows already under the
new key are skipped). Lookups keep working throughout: they ask for a number's hash under
every key of the ring in one query. Only once no row is under an older key is that key
dropped from ``data_keys``; the operator then removes it from the ring (after the backups
that need it have expired).
"""

from __future__ import annotations

from supervise.adapters.personal_data import cipher_of, is_development, retire
from supervise.errors import SuperviseError
from supervise.runtime import Runtime
from supervise.services.admin import store
from supervise.services.admin.access import add_entry
from supervise.views import RotationReport

BATCH = 500


def rotate(rt: Runtime, actor: str, batch: int = BATCH) -> RotationReport:
    """Re-seal every ID number under the current key; retire the keys no row needs."""
    moved = seen = last = 0
    with rt.uow() as uow:
        cipher = cipher_of(uow.session)
        cipher.forget_check()
        cipher.check(uow.session, register=True)  # refuses a ring lacking a stored key
        uow.commit()
    current = cipher.current.fingerprint
    while True:
        with rt.uow() as uow:
            rows = store.seals_after(uow, last, batch)
            if not rows:
                break
            for person_id, sealed, index in rows:
                seen += 1
                if cipher.fingerprint_of(sealed) != current:
                    number = cipher.open(sealed, index)
                    store.reseal(uow, person_id, sealed, *cipher.seal(number))
                    moved += 1
            uow.commit()
            last = rows[-1][0]
    with rt.uow() as uow:
        # A writer still sealing under an old key (a process not yet given the new ring)
        # would leave rows behind: then the old key stays listed and the command says so.
        left = sum(1 for s in store.all_seals(uow) if cipher.fingerprint_of(s) != current)
        retired = [] if left else retire(uow.session, current)
        data = {"key": current, "resealed": moved, "retired": retired, "left": left}
        outcome = "partial" if left else "done"
        add_entry(uow, rt, actor, "keys.rotate", outcome, None, data=data)
        uow.commit()
    cipher.forget_check()
    return RotationReport(current, seen, moved, tuple(retired), left)


def key_check(rt: Runtime) -> tuple[bool, str]:
    """Whether the key ring opens this database's ID numbers (and is not the public one)."""
    try:
        with rt.uow() as uow:
            cipher = cipher_of(uow.session)
            cipher.forget_check()
            cipher.check(uow.session)
            sample = store.one_seal(uow)
            if sample is not None:
                cipher.open(*sample)
    except SuperviseError as exc:
        return False, exc.message
    if is_development(cipher.keys):
        return False, (
            "the PUBLIC development key (README) seals ID numbers: for real data make a key "
            "with `openssl rand -base64 32`, put it first in the ring and run "
            "`supervise keys rotate`"
        )
    extra = len(cipher.keys) - 1
    return True, f"key {cipher.current.fingerprint} opens the ID numbers" + (
        f" ({extra} older key(s) in the ring)" if extra else ""
    )
