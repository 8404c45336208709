"""The example story: three fictional organizations, their leaders, and two years of casework.

Every notice type is issued at least once, with realistic content, on a moving clock (one
step per working day that the law allows). ``scripts/render_examples.py`` plays it to render
the notices shown in ``docs/notices.md``; the tests play it too.

- "youth", a 社会团体 that is also a charity: 约谈 -> 整改 -> 警告 -> 责令撤换 of its 秘书长;
- "care", a 社会服务机构: 警告, set aside on 行政复议;
- "fund", a foundation: 从业禁止 of its 理事长 after a hearing (慈善法 Art. 112), ended;
- "board": the same person's seat on the association's board, which the ban ends.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from supervise.story import Cast, Step, credit_code, id_number


def _step(
    at: str, case: str, event: str, params: dict[str, Any] | None = None, method: str = "direct"
) -> Step:
    inputs = dict(params or {})
    details = inputs.pop("details", None)
    return Step(event, inputs, details, at=at, case=case, method=method)


# The office as it would configure itself (config.yaml `office:`); fictional address/phone.
OFFICE_CONFIG = """\
office:
  name: 重庆市民政局
  address: 重庆市渝北区金开大道100号
  phone: "023-67000000"
  review_body: 重庆市人民政府
  court: 重庆市渝北区人民法院
"""


# --- the cast (all fictional) ------------------------------------------------------------

ORGS = {
    "youth": dict(
        name="重庆市阳光青少年发展促进会",
        credit_code=credit_code(101, prefix="51500000"),  # 51: 社会团体; 500000: 市级登记
        district="渝中区",
        township="解放碑街道",
        kind="social-group",
        charity=True,
        address="重庆市渝中区民族路118号6楼",
        legal_representative="吴志刚",
    ),
    "fund": dict(
        name="重庆市春晖慈善基金会",
        credit_code=credit_code(202, prefix="53500000"),  # 53: 基金会
        district="渝北区",
        township="龙溪街道",
        kind="foundation",
        charity=True,
        address="重庆市渝北区龙溪街道金龙路8号",
        legal_representative="周明远",
    ),
    "care": dict(
        name="重庆市康宁养老服务中心",
        credit_code=credit_code(303, prefix="52500000"),  # 52: 民办非企业单位(社会服务机构)
        district="南岸区",
        township="南坪街道",
        kind="service-org",
        charity=False,
        address="重庆市南岸区南坪西路22号",
        legal_representative="陈晓梅",
    ),
}
PERSONS = {
    "liu": ("刘建华", id_number(11, birth="19760315"), "重庆市渝中区中山三路15号2单元"),
    "zhou": ("周明远", id_number(22, birth="19681108"), "重庆市渝北区新牌坊一路9号3-2"),
    "chen": ("陈晓梅", id_number(33, birth="19820620"), "重庆市南岸区南滨路66号7-1"),
}
CASES = {"youth": ("youth", "liu", "秘书长"), "fund": ("fund", "zhou", "理事长"),
         "care": ("care", "chen", "主任"),
         # The foundation's 理事长 also sits on the association's board: the ban reaches it.
         "board": ("youth", "zhou", "理事")}  # fmt: skip


# --- what happens, in date order ----------------------------------------------------------

_YOUTH_FACTS = (
    "你单位未按照规定参加2025年度检查，经本机关2026年3月10日约谈并责令限期整改后，"
    "至整改期限届满（2026年4月9日）仍未报送2025年度工作报告；\n"
    "你单位2025年度开展“阳光助学”公益项目，募集资金86.4万元，未按照章程规定经理事会审议即"
    "将其中12万元用于支付办公场所租金，且未在年度财务报告中如实披露。"
)
# A decision names the organization 当事人 (行政处罚法 Art. 59); the prior notice says 你单位.
_YOUTH_DECISION_FACTS = _YOUTH_FACTS.replace("你单位", "当事人")
_YOUTH_EVIDENCE = "\n".join(
    [
        "1.本机关社会组织年度工作报告报送系统记录（2026年6月2日打印）；",
        "2.你单位2025年度银行账户流水及记账凭证复印件（第2025-0412号至第2025-0431号）；",
        "3.2026年3月10日约谈记录（渝民社约记〔2026〕1号）；",
        "4.你单位秘书长刘建华的询问笔录（2026年6月5日）。",
    ]
)


TIMELINE: list[Step] = [
    # Case "youth": 约谈 -> 整改 -> 警告 -> 责令撤换 (a 社会团体 that is also a charity).
    _step(
        "2026-03-02T09:30",
        "youth",
        "schedule_interview",
        dict(
            date=date(2026, 3, 10),
            details={
                "facts": "你单位未按照《社会团体登记管理条例》和本机关要求参加2025年度检查，"
                "且2025年度财务收支情况未按照章程规定向会员公开。",
                "time_cn": "2026年3月10日上午9时30分",
                "place": "重庆市民政局社会组织管理局301会议室",
                "interviewers": ["张志强", "李娜"],
                "materials": [
                    "单位登记证书副本",
                    "2025年度财务会计报告",
                    "理事会会议纪要",
                    "被约谈人身份证件",
                ],
                "contact": "李娜，023-67000001",
            },
        ),
    ),
    _step("2026-03-03T10:00", "youth", "serve"),
    _step(
        "2026-03-10T11:00",
        "youth",
        "record_interview",
        dict(
            reason="约谈记录：被约谈人承认未参加2025年度检查、未公开财务收支，承诺限期整改",
            details={
                "time_cn": "2026年3月10日上午9时30分至10时40分",
                "place": "重庆市民政局社会组织管理局301会议室",
                "interviewers": ["张志强", "李娜"],
                "recorder": "王丽",
                "attendees": ["赵敏（被约谈单位财务负责人）"],
                "record": "约谈人告知被约谈人约谈的事由、依据和要求。\n"
                "被约谈人刘建华陈述：因秘书处人员变动，未能按时参加2025年度检查；"
                "2025年度财务收支情况已经理事会审议，但尚未向会员公开。\n"
                "约谈人指出上述问题，要求你单位立即整改，并如实报告整改情况。"
                "被约谈人表示接受，承诺按期完成整改。",
                "facts": "你单位未按照规定参加2025年度检查；"
                "2025年度财务收支情况未按照章程规定向会员公开。",
                "evidence": "2026年3月10日约谈记录（渝民社约记〔2026〕1号）",
                "requirements": "1.补报2025年度工作报告，按照规定参加年度检查；\n"
                "2.将2025年度财务收支情况向全体会员公开，并在本单位网站公示；\n"
                "3.健全财务管理和信息公开制度，明确专人负责。",
                "contact": "李娜，023-67000001",
            },
        ),
    ),
    _step("2026-03-10T15:00", "youth", "serve"),
    _step(
        "2026-06-15T09:00",
        "youth",
        "propose_warning",
        dict(
            breach="3",  # 拒不接受或者不按照规定接受监督检查 (the annual inspection)
            details={
                "facts": _YOUTH_FACTS,
                "evidence": _YOUTH_EVIDENCE,
                "reasons": "你单位逾期不参加年度检查、违反章程规定使用募集资金，情节较轻，"
                "经约谈和责令整改后仍未改正。",
                "contact": "张志强，023-67000002",
            },
        ),
    ),
    _step("2026-06-16T10:00", "youth", "serve", method="mail"),
    _step(
        "2026-06-18T16:00",
        "youth",
        "record_statement",
        dict(reason="当事人提交书面陈述：年度工作报告已于6月17日补报，请求从轻处理"),
    ),
    _step(
        "2026-06-25T09:00",
        "youth",
        "issue_warning",
        dict(
            details={
                "facts": _YOUTH_DECISION_FACTS,
                "evidence": _YOUTH_EVIDENCE.replace("你单位", "当事人"),
                "statement_summary": "当事人在陈述、申辩期限内提交了书面陈述意见，"
                "称已于2026年6月17日补报年度工作报告，请求从轻处理。经复核，当事人补报行为发生在整改"
                "期限届满之后，且未说明募集资金使用问题，所提意见不予采纳",
                "compliance": "本决定自送达之日起执行。当事人应当自收到本决定书之日起三十日内将"
                "被挪用的12万元募集资金归还原项目专户，并将整改情况书面报告本机关",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    _step("2026-06-26T10:00", "youth", "serve"),
    # Case "care": 警告, later set aside on 行政复议 (a 社会服务机构).
    _step(
        "2026-07-06T09:00",
        "care",
        "propose_warning",
        dict(
            breach="2",  # 超出其章程规定的宗旨和业务范围进行活动
            details={
                "facts": "你单位在2025年度未按照登记的业务范围开展活动，"
                "以“康养体验营”名义向社会公众收取会员费共计23.6万元。",
                "evidence": "\n".join(
                    [
                        "1.现场检查笔录（2026年6月23日）；",
                        "2.会员费收款收据及银行流水；",
                        "3.你单位章程及登记证书载明的业务范围。",
                    ]
                ),
                "contact": "何静，023-67000003",
            },
        ),
    ),
    _step("2026-07-07T10:00", "care", "serve"),
    _step(
        "2026-07-13T09:00",
        "care",
        "issue_warning",
        dict(
            details={
                "facts": "当事人在2025年度未按照登记的业务范围开展活动，"
                "以“康养体验营”名义向社会公众收取会员费共计23.6万元。",
                "evidence": "\n".join(
                    [
                        "1.现场检查笔录（2026年6月23日）；",
                        "2.会员费收款收据及银行流水；",
                        "3.当事人章程及登记证书载明的业务范围。",
                    ]
                ),
                "statement_summary": "当事人在陈述、申辩期限内未提出陈述、申辩意见",
                "contact": "何静，023-67000003",
            }
        ),
    ),
    _step("2026-07-14T10:00", "care", "serve"),
    # Back to "youth": 责令撤换 the 秘书长 (社会团体登记管理条例 Art. 30).
    _step(
        "2026-08-03T09:00",
        "youth",
        "propose_replacement",
        dict(
            breach="7",  # 挪用社会团体资产或者所接受的捐赠、资助
            details={
                "facts": "你单位秘书长刘建华在本机关作出警告决定后，仍未按要求归还被挪用的"
                "募集资金，且拒不向会员公开2025年度财务收支情况；",
                "evidence": "\n".join(
                    [
                        "1.本机关《行政处罚决定书》（渝民社罚决〔2026〕1号）及送达回证；",
                        "2.2026年7月28日现场检查笔录；",
                        "3.你单位银行账户流水（2026年6月至7月）。",
                    ]
                ),
                "reasons": "秘书长刘建华作为直接负责的主管人员，对上述违法行为负有直接责任。",
                "contact": "张志强，023-67000002",
            },
        ),
    ),
    _step("2026-08-04T10:00", "youth", "serve"),
    _step("2026-08-05T15:00", "youth", "record_statement", dict(waiver=True)),
    # 法制审核 (行政处罚法 Art. 58) before the replacement is ordered.
    _step("2026-08-05T17:00", "youth", "review"),
    _step(
        "2026-08-06T09:00",
        "youth",
        "order_replacement",
        dict(
            details={
                "facts": "当事人在本机关作出警告决定后，仍未归还被挪用的募集资金12万元，"
                "且拒不向会员公开2025年度财务收支情况。",
                "evidence": "\n".join(
                    [
                        "1.本机关《行政处罚决定书》（渝民社罚决〔2026〕1号）及送达回证；",
                        "2.2026年7月28日现场检查笔录；",
                        "3.当事人银行账户流水（2026年6月至7月）。",
                    ]
                ),
                "statement_summary": "当事人于2026年8月5日书面表示放弃陈述、申辩权利",
                "report_method": "撤换完成后，当事人应当将理事会（会员代表大会）决议及新任秘书长"
                "的基本情况书面报告本机关",
                "contact": "张志强，023-67000002",
            }
        ),
    ),
    _step("2026-08-07T10:00", "youth", "serve"),
    # Case "care" again: the warning is set aside on 行政复议.
    _step(
        "2026-09-14T09:00",
        "care",
        "revoke_warning",
        dict(
            reason="原决定认定当事人超出业务范围开展活动的事实不清、证据不足",
            reference="重庆市人民政府《行政复议决定书》（渝府复〔2026〕156号）",
            details={
                "party": "organization",
                "follow_up": "删除你单位社会组织信用信息中的该项行政处罚记录",
                "contact": "何静，023-67000003",
            },
        ),
    ),
    _step("2026-09-15T10:00", "care", "serve"),
]

# Case "fund": 从业禁止 with a hearing in 2025, ended in 2026 (慈善法 Art. 112).
_FUND_FACTS = (
    "2024年10月至12月，你未经理事会决议，指使财务人员将“春晖助医”慈善项目资金共计48.5万元"
    "分三次转入你实际控制的重庆某某商贸有限公司账户，用于该公司经营周转，"
    "至2025年1月方才归还。"
)
_FUND_DECISION_FACTS = (
    "当事人在担任重庆市春晖慈善基金会理事长期间，于2024年10月至12月，未经理事会决议，"
    "指使财务人员将“春晖助医”慈善项目资金共计48.5万元分三次转入其实际控制的"
    "重庆某某商贸有限公司账户，用于该公司经营周转，至2025年1月方才归还。"
)
_FUND_EVIDENCE = "\n".join(
    [
        "1.重庆市春晖慈善基金会银行账户流水（2024年10月至2025年1月）；",
        "2.重庆某某商贸有限公司收款凭证；",
        "3.财务人员邓某、吴某的询问笔录；",
        "4.你本人的询问笔录（2025年2月18日）；",
        "5.重庆市春晖慈善基金会第三届理事会会议记录。",
    ]
)
TIMELINE += [
    _step(
        "2025-03-03T09:00",
        "fund",
        "propose_ban",
        dict(
            years=1,
            # After 2024-09-05, when the revised 慈善法 (and its Art. 112 ban) took effect.
            conduct_date=date(2024, 10, 8),
            details={
                "facts": _FUND_FACTS,
                "evidence": _FUND_EVIDENCE,
                "reasons": "你作为慈善组织直接负责的主管人员，"
                "擅自将慈善财产用于本人控制的企业经营，构成挪用慈善财产，情节严重。",
                "contact": "孙国平，023-67000004",
            },
        ),
    ),
    _step("2025-03-04T10:00", "fund", "serve"),
    _step(
        "2025-03-06T09:00",
        "fund",
        "request_hearing",
        dict(
            date=date(2025, 3, 20),
            time=time(14, 30),
            details={
                "place": "重庆市民政局第二听证室",
                "chair": "马骏",
                "members": ["何静", "罗斌"],
                "clerk": "邓雪",
                "request_date_cn": "2025年3月5日",
                "contact": "邓雪，023-67000005",
            },
        ),
    ),
    _step("2025-03-07T10:00", "fund", "serve"),
    _step(
        "2025-03-20T17:00",
        "fund",
        "record_hearing",
        dict(reason="听证笔录：当事人对资金转出事实无异议，称系临时借用且已归还"),
    ),
    # 法制审核 and 集体讨论 (行政处罚法 Arts. 58, 57) after the hearing, before the decision.
    _step("2025-03-24T10:00", "fund", "review"),
    _step("2025-03-26T15:00", "fund", "discuss", dict(years=1)),
    _step(
        "2025-03-27T09:00",
        "fund",
        "impose_ban",
        dict(
            years=1,
            details={
                "facts": _FUND_DECISION_FACTS,
                "evidence": _FUND_EVIDENCE.replace("你本人", "当事人"),
                "hearing_summary": "应当事人要求，本机关于2025年3月20日依法举行听证。当事人对"
                "资金转出的事实无异议，但称系临时借用且已全部归还。经复核，"
                "当事人未经决策程序擅自将慈善财产用于本人控制的企业经营，"
                "已构成挪用，归还行为可作为从轻情节予以考虑",
                "contact": "孙国平，023-67000004",
            },
        ),
    ),
    _step("2025-03-28T10:00", "fund", "serve"),
    # The ban reached the association's board seat: its 终止任职通知书 is served, the seat ends.
    _step("2025-03-28T15:00", "board", "serve"),
    _step("2025-04-15T10:00", "board", "confirm_replacement"),
    _step(
        "2026-03-30T09:00",
        "fund",
        "lift_ban",
        dict(
            details={
                "note": "你可以依照有关法律法规和慈善组织章程的规定担任慈善组织的管理人员。",
                "contact": "孙国平，023-67000004",
            }
        ),
    ),
    _step("2026-03-31T10:00", "fund", "serve"),
]
TIMELINE.sort(key=lambda s: s.at or "")


#: Who the story is about.
CAST = Cast(orgs=ORGS, persons=PERSONS, cases=CASES)
#: The office's actor in the story (the supervisor who acts).
ACTOR = "zhangzq"
