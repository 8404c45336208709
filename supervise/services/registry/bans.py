"""Use cases for the ban registry: the pre-appointment check, court bans without a post.

A ban enters the registry with ``impose_ban`` or ``record_court_ban`` on a case, or with
``bans add`` for someone who holds no post; ``bans check`` (入职查询) finds all of them.
"""

from __future__ import annotations

from datetime import date

from supervise import model
from supervise.banterm import bars
from supervise.errors import NotAllowed
from supervise.inputs import PERSON_NAME, text
from supervise.params import clean_params
from supervise.rules import Params, court_ban_without_post
from supervise.runtime import Runtime
from supervise.services.cases.cascade import ban_is_over
from supervise.services.cases.store import open_cases_of_person
from supervise.services.reads import store as reads
from supervise.services.registry import store
from supervise.validation import validate_id_number
from supervise.views import BanView


def check(rt: Runtime, actor: str, id_number: str, on: date | None = None) -> list[BanView]:
    """The active bans on the person with this ID number (empty when none or unknown)."""
    number = validate_id_number(id_number)
    day = on or rt.clock.today()
    # Core reads (services/reads): a read command never loads the ORM.
    with rt.uow(core=True) as uow:
        person = reads.person_by_id_number(uow, number)
        if person is None:
            return []
        return [BanView.of(b, person, day) for b in reads.active_bans(uow, person.id, day)]


def add_court_ban(
    rt: Runtime,
    actor: str,
    *,
    id_number: str,
    name: str,
    judgment: str,
    court: str,
    start: date,
    until: date | None,
    lifelong: bool,
    basis: str | None,
) -> BanView:
    """Record a court's ban on someone who may hold no post, creating the person if new."""
    number = validate_id_number(id_number)
    clean_name = text(name, "--name", PERSON_NAME)
    now = rt.clock.now()
    params = clean_params(
        "record_court_ban",
        Params(
            judgment=judgment,
            court=court,
            start=start,
            until=until,
            lifelong=lifelong,
            basis=basis,
        ),
        rt.settings.date_range,
        now.astimezone(rt.settings.zone).date(),
    )
    law = rt.rulebook()
    key = court_ban_without_post(law, now, params)
    term = law.bases[key].ban
    assert term is not None
    with rt.uow() as uow:
        person = store.person_by_id_number(uow, number)
        if person is None:
            person = model.Person(name=clean_name, id_number=number, email=None, created_at=now)
            uow.session.add(person)
            uow.flush()
        held = open_cases_of_person(uow, person.id)
        if held:
            raise NotAllowed(
                f"person {person.id} holds posts (cases {', '.join(map(str, held))}); record the "
                "court's ban on one of them with `supervise case advance CASE record_court_ban` "
                "so that it reaches every post"
            )
        ban = model.Ban(
            person_id=person.id,
            case_id=None,
            basis=key,
            judgment=params.judgment,
            court=params.court,
            end_reference=None,
            scope=term.scope,
            start=params.start,
            until=None if lifelong else params.until,
            lifelong=lifelong,
            status="active",
            created_at=now,
            ended_at=None,
        )
        if ban_is_over(ban, now.astimezone(rt.settings.zone).date()):
            # Recorded after its end: it enters the registry as what it is, a past ban.
            ban.status, ban.ended_at = "ended", now
        uow.session.add(ban)
        uow.commit()
        return BanView.of(ban, person, now.astimezone(rt.settings.zone).date())


def list_bans(
    rt: Runtime, actor: str, active_only: bool = False, limit: int = 1000
) -> list[BanView]:
    today = rt.clock.today()
    with rt.uow() as uow:
        return [
            BanView.of(ban, person, today)
            for ban, person in store.bans_with_persons(uow, limit)
            if not active_only or bars(ban, today)
        ]
