"""The ban registry: pre-appointment check, cascade and its scope, court bans without posts."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from supervise.errors import Banned, GuardRefused, InvalidInput, NotAllowed
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban, drive_to, id_number
from tests.conftest import MakeOffice, new_org, new_person, open_case
from tests.integration.helpers import advance

S = CaseState


def _banned_by_charity_law(office: Office, person: int, serve: bool = True) -> int:
    """Impose a two-year 慈善法 Art. 112 ban (scope: charities) through a hearing on a charity
    post, its decision served the same day (2026-11-27) unless ``serve`` is False."""
    case_id = open_case(office, kind="foundation", charity=True, person_id=person)
    advance(office, case_id, "propose_ban")
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15))
    advance(office, case_id, "record_hearing", reason="听证笔录")
    clear_ban(office, case_id)
    result = advance(office, case_id, "impose_ban", years=2)
    assert result.to_state is S.BANNED
    if serve:
        for notice in office.notices(case=case_id):
            if notice.type == "ban_decision":
                office.serve_notice(notice.id, method="mail", on=date(2026, 11, 27))
    return case_id


def test_ban_cascades_to_other_posts_in_scope_only(office: Office) -> None:
    person = new_person(office)
    charity_post = open_case(office, kind="social-group", charity=True, person_id=person)
    other_charity = open_case(office, kind="service-org", charity=True, person_id=person)
    drive_to(office, other_charity, S.WARNING_PROPOSED)
    plain_post = open_case(office, kind="social-group", charity=False, person_id=person)
    proposed = open_case(office, kind="foundation", charity=True, person_id=person)
    drive_to(office, proposed, S.BAN_PROPOSED)
    left = open_case(office, kind="foundation", charity=True, person_id=person)
    drive_to(office, left, S.LEFT)

    ban_case = _banned_by_charity_law(office, person)

    for case_id in (charity_post, other_charity):
        shown = office.case(case_id)
        assert shown.state is S.REPLACEMENT_ORDERED
        assert shown.history[-1].event == "ban_cascade"
        assert shown.history[-1].basis == "cishan-112"
        assert f"case {ban_case}" in (shown.history[-1].reason or "")
        # The replacement period waits for the organization's notice (终止任职通知书), which
        # must be served within seven working days.
        assert sorted(d.kind for d in shown.deadlines) == ["replacement", "service"]
    # A warning proceeding's deadlines close with the cascade.
    assert office.case(plain_post).state is S.APPOINTED  # not a charity: out of scope
    assert office.case(proposed).state is S.BAN_PROPOSED  # its own proceeding runs on
    assert office.case(left).state is S.LEFT


def test_court_ban_cascades_everywhere(office: Office) -> None:
    person = new_person(office)
    plain = open_case(office, kind="social-group", charity=False, person_id=person)
    main = open_case(office, kind="service-org", charity=False, person_id=person)
    result = advance(
        office,
        main,
        "record_court_ban",
        judgment="(2026)渝0103刑初5号",
        court="重庆市渝中区人民法院",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
    )
    assert result.cascaded == [plain]
    assert office.case(plain).state is S.REPLACEMENT_ORDERED


def test_appointing_a_banned_person_is_refused_within_scope(office: Office) -> None:
    person = new_person(office)
    _banned_by_charity_law(office, person)
    charity = new_org(office, kind="service-org", charity=True)
    with pytest.raises(Banned) as refused:
        office.appoint(org=charity, person=person, role="院长")
    assert "until 2028-11-26" in refused.value.message and "cishan-112" in refused.value.message
    assert list(office.cases(org=charity)) == []
    # 慈善法 Art. 112 bars managing charities; a plain association may still appoint.
    plain = new_org(office, kind="social-group", charity=False)
    assert office.appoint(org=plain, person=person, role="理事").state is S.APPOINTED


def test_court_ban_on_someone_without_a_post(office: Office) -> None:
    number = id_number()
    assert office.check_bans(number) == []
    view = office.add_court_ban(
        id_number=number,
        name="王五",
        judgment="(2026)渝0103刑初7号",
        court="重庆市渝中区人民法院",
        start=date(2026, 6, 1),
        until=date(2030, 5, 31),
        lifelong=False,
        basis=None,
    )
    assert view.basis == "xingfa-37-1" and view.scope == "all"
    found = office.check_bans(number)
    assert [b.check_json() for b in found] == [
        {
            "case": None,
            "basis": "xingfa-37-1",
            "from": "2026-06-01",
            "until": "2030-05-31",
            "lifelong": False,
            "status": "active",
            "years": 4,
        }
    ]
    org = new_org(office, kind="social-group", charity=False)
    with pytest.raises(Banned, match="judgment"):
        office.appoint(org=org, person=view.person.id, role="理事")
    assert office.person(view.person.id).name == "王五"


def test_bans_add_refusals(office: Office) -> None:
    number = id_number()
    common: dict[str, Any] = {
        "id_number": number,
        "name": "王五",
        "judgment": "J",
        "court": "重庆市渝中区人民法院",
        "start": date(2026, 6, 1),
    }
    with pytest.raises(GuardRefused, match="outside the 3-5 years"):
        office.add_court_ban(**common, until=date(2027, 1, 1), lifelong=False, basis=None)
    with pytest.raises(InvalidInput, match="check character"):
        office.add_court_ban(
            **{**common, "id_number": number[:-1] + ("0" if number[-1] != "0" else "1")},
            until=date(2030, 5, 31),
            lifelong=False,
            basis=None,
        )
    with pytest.raises(InvalidInput, match="not both"):
        office.add_court_ban(**common, until=date(2030, 5, 31), lifelong=True, basis=None)
    assert office.bans() == []


def test_holder_must_use_record_court_ban(office: Office) -> None:
    number = id_number()
    person = office.add_person(name="赵六", id_number=number).id
    open_case(office, person_id=person)
    with pytest.raises(NotAllowed, match="holds posts"):
        office.add_court_ban(
            id_number=number,
            name="赵六",
            judgment="J",
            court="重庆市渝中区人民法院",
            start=date(2026, 6, 1),
            until=date(2030, 5, 31),
            lifelong=False,
            basis=None,
        )
    assert office.check_bans(number) == []


def test_revoked_and_ended_bans_stop_blocking(office: Office) -> None:
    person = new_person(office)
    case_id = _banned_by_charity_law(office, person)
    number_view = office.bans()
    assert len(number_view) == 1
    advance(office, case_id, "revoke_ban", reason="复议撤销", reference="渝府复〔2026〕9号")
    assert office.bans(active=True) == []
    charity = new_org(office, kind="foundation", charity=True)
    assert office.appoint(org=charity, person=person, role="理事长").state is S.APPOINTED


def test_lift_ban_only_after_the_term(office: Office) -> None:
    person = new_person(office)
    case_id = _banned_by_charity_law(office, person)
    with pytest.raises(GuardRefused, match="runs until 2028-11-26"):
        advance(office, case_id, "lift_ban")
    later = office.at(datetime.fromisoformat("2028-11-27T08:00:00+08:00"))
    assert advance(later, case_id, "lift_ban").to_state is S.BAN_ENDED
    assert later.bans(active=True) == []


def test_bans_add_refuses_a_basis_that_does_not_fit_saying_who_it_is_about(
    office: Office,
) -> None:
    # The old code checked a court's ban on someone without a post as if on a charity social
    # group's post and said so ("for a social-group (社会团体) that is a charity"); the
    # refusal now says whom the ban is about.
    with pytest.raises(GuardRefused) as refused:
        office.add_court_ban(
            id_number=id_number(),
            name="王五",
            judgment="J",
            court="重庆市渝中区人民法院",
            start=date(2026, 6, 1),
            lifelong=True,
            basis="xingfa-37-1",
        )
    assert refused.value.message == (
        "record_court_ban refused: basis xingfa-37-1 (《中华人民共和国刑法》第三十七条之一) "
        "does not allow court ban for a person who holds no post"
    )
    assert office.bans() == []


def test_bans_add_takes_a_court_ban_basis_for_charities(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    # An office's own court-ban basis limited to charities: the old code recorded such a ban
    # on someone without a post (it checked the ban as if for a charity's post).
    config = tmp_path / "office.yaml"
    config.write_text(
        "bases:\n"
        "  court-charity:\n"
        "    title: 测试依据\n"
        "    citation: 测试依据第一条\n"
        "    allows: [court_ban]\n"
        "    kinds: [social-group, service-org, foundation]\n"
        "    charity_only: true\n"
        "    ban: {min_years: 1, max_years: 5, scope: charity}\n",
        encoding="utf-8",
    )
    office = make_office(config=config)
    view = office.add_court_ban(
        id_number=id_number(),
        name="王五",
        judgment="J",
        court="重庆市渝中区人民法院",
        start=date(2026, 6, 1),
        until=date(2028, 5, 31),
        basis="court-charity",
    )
    assert (view.basis, view.scope, view.until) == ("court-charity", "charity", date(2028, 5, 31))
