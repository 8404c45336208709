"""The ban registry: pre-appointment check, cascade and its scope, court bans without posts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from supervise.bootstrap import App
from supervise.clock import Clock
from supervise.errors import Banned, GuardRefused, InvalidInput, NotAllowed
from supervise.rules import Params
from supervise.services import bans, cases
from supervise.services.registry import show_person
from supervise.states import CaseState
from tests.conftest import new_org, new_person
from tests.factories import id_number
from tests.integration.ladder import advance, drive, open_case

S = CaseState


def _banned_by_charity_law(app: App, person: int) -> int:
    """Impose a 慈善法 Art. 112 ban (scope: charities) through a hearing on a charity post."""
    case_id = open_case(app, kind="foundation", charity=True, person_id=person)
    advance(app, case_id, "propose_ban", Params())
    advance(app, case_id, "request_hearing", Params(date=date(2026, 12, 15)))
    advance(app, case_id, "record_hearing", Params(reason="听证笔录"))
    result = advance(app, case_id, "impose_ban", Params(until=date(2028, 11, 30)))
    assert result.to_state is S.BANNED
    return case_id


def test_ban_cascades_to_other_posts_in_scope_only(app: App) -> None:
    person = new_person(app)
    charity_post = open_case(app, kind="social-group", charity=True, person_id=person)
    other_charity = open_case(app, kind="service-org", charity=True, person_id=person)
    drive(app, other_charity, S.WARNING_PROPOSED)
    plain_post = open_case(app, kind="social-group", charity=False, person_id=person)
    proposed = open_case(app, kind="foundation", charity=True, person_id=person)
    drive(app, proposed, S.BAN_PROPOSED)
    left = open_case(app, kind="foundation", charity=True, person_id=person)
    drive(app, left, S.LEFT)

    ban_case = _banned_by_charity_law(app, person)

    for case_id in (charity_post, other_charity):
        shown = cases.show_case(app, case_id)
        assert shown.state is S.REPLACEMENT_ORDERED
        assert shown.history[-1].event == "ban_cascade"
        assert shown.history[-1].basis == "cishan-112"
        assert f"case {ban_case}" in (shown.history[-1].reason or "")
        assert [d.kind for d in shown.deadlines] == ["replacement"]
    # A warning proceeding's deadlines close with the cascade.
    assert cases.show_case(app, plain_post).state is S.APPOINTED  # not a charity: out of scope
    assert cases.show_case(app, proposed).state is S.BAN_PROPOSED  # its own proceeding runs on
    assert cases.show_case(app, left).state is S.LEFT


def test_court_ban_cascades_everywhere(app: App) -> None:
    person = new_person(app)
    plain = open_case(app, kind="social-group", charity=False, person_id=person)
    main = open_case(app, kind="service-org", charity=False, person_id=person)
    result = advance(
        app,
        main,
        "record_court_ban",
        Params(judgment="(2026)渝0103刑初5号", start=date(2026, 11, 1), until=date(2030, 10, 31)),
    )
    assert result.cascaded == [plain]
    assert cases.show_case(app, plain).state is S.REPLACEMENT_ORDERED


def test_appointing_a_banned_person_is_refused_within_scope(app: App) -> None:
    person = new_person(app)
    _banned_by_charity_law(app, person)
    charity = new_org(app, kind="service-org", charity=True)
    with pytest.raises(Banned) as refused:
        cases.appoint(app, charity, person, "院长", None)
    assert "until 2028-11-30" in refused.value.message and "cishan-112" in refused.value.message
    assert cases.list_cases(app, org_id=charity) == []
    # 慈善法 Art. 112 bars managing charities; a plain association may still appoint.
    plain = new_org(app, kind="social-group", charity=False)
    assert cases.appoint(app, plain, person, "理事", None).state is S.APPOINTED


def test_court_ban_on_someone_without_a_post(app: App) -> None:
    number = id_number()
    assert bans.check(app, number) == []
    view = bans.add_court_ban(
        app,
        id_number=number,
        name="王五",
        judgment="(2026)渝0103刑初7号",
        start=date(2026, 6, 1),
        until=date(2030, 5, 31),
        lifelong=False,
        basis=None,
    )
    assert view.basis == "xingfa-37-1" and view.scope == "all"
    found = bans.check(app, number)
    assert [b.check_json() for b in found] == [
        {
            "case": None,
            "basis": "xingfa-37-1",
            "from": "2026-06-01",
            "until": "2030-05-31",
            "lifelong": False,
        }
    ]
    org = new_org(app, kind="social-group", charity=False)
    with pytest.raises(Banned, match="judgment"):
        cases.appoint(app, org, view.person.id, "理事", None)
    assert show_person(app, view.person.id).name == "王五"


def test_bans_add_refusals(app: App) -> None:
    number = id_number()
    common = {"id_number": number, "name": "王五", "judgment": "J", "start": date(2026, 6, 1)}
    with pytest.raises(GuardRefused, match="outside the 3-5 years"):
        bans.add_court_ban(app, **common, until=date(2027, 1, 1), lifelong=False, basis=None)
    with pytest.raises(InvalidInput, match="check character"):
        bans.add_court_ban(
            app,
            **{**common, "id_number": number[:-1] + ("0" if number[-1] != "0" else "1")},
            until=date(2030, 5, 31),
            lifelong=False,
            basis=None,
        )
    with pytest.raises(InvalidInput, match="not both"):
        bans.add_court_ban(app, **common, until=date(2030, 5, 31), lifelong=True, basis=None)
    assert bans.list_bans(app) == []


def test_holder_must_use_record_court_ban(app: App) -> None:
    number = id_number()
    from supervise.services import registry

    person = registry.add_person(app, "赵六", number, None).id
    open_case(app, person_id=person)
    with pytest.raises(NotAllowed, match="holds posts"):
        bans.add_court_ban(
            app,
            id_number=number,
            name="赵六",
            judgment="J",
            start=date(2026, 6, 1),
            until=date(2030, 5, 31),
            lifelong=False,
            basis=None,
        )
    assert bans.check(app, number) == []


def test_revoked_and_ended_bans_stop_blocking(app: App) -> None:
    person = new_person(app)
    case_id = _banned_by_charity_law(app, person)
    number_view = bans.list_bans(app)
    assert len(number_view) == 1
    advance(app, case_id, "revoke_ban", Params(reason="复议撤销", reference="渝府复〔2026〕9号"))
    assert bans.list_bans(app, active_only=True) == []
    charity = new_org(app, kind="foundation", charity=True)
    assert cases.appoint(app, charity, person, "理事长", None).state is S.APPOINTED


def test_lift_ban_only_after_the_term(app: App) -> None:
    person = new_person(app)
    case_id = _banned_by_charity_law(app, person)
    with pytest.raises(GuardRefused, match="runs until 2028-11-30"):
        advance(app, case_id, "lift_ban", Params())
    app.clock = Clock(app.clock.zone, datetime.fromisoformat("2028-12-01T08:00:00+08:00"))
    assert advance(app, case_id, "lift_ban", Params()).to_state is S.BAN_ENDED
    assert bans.list_bans(app, active_only=True) == []
