"""Sample notice contexts shaped exactly as the engine passes them to render_html."""

from __future__ import annotations

import copy
from typing import Any

_BASES: dict[str, dict[str, str]] = {
    "warning": {
        "key": "shetuan-30",
        "citation": "《社会团体登记管理条例》第三十条",
        "penalty_zh": "警告",
    },
    "replacement": {
        "key": "shetuan-30",
        "citation": "《社会团体登记管理条例》第三十条",
        "penalty_zh": "责令撤换直接负责的主管人员",
    },
    "ban": {
        "key": "charity-112",
        "citation": "《中华人民共和国慈善法》第一百一十二条",
        "penalty_zh": "限制从业",
    },
}

_FACTS = (
    "2026年9月至10月，未经批准以“关爱儿童”名义开展收费培训活动，收取费用共计3.2万元。\n"
    "理事长变更后，未按规定办理负责人变更登记。"
)
_EVIDENCE = "1. 现场检查笔录；\n2. 收费票据复印件12份；\n3. 询问笔录2份。"

DETAILS: dict[str, dict[str, object]] = {
    "interview_notice": {
        "facts": _FACTS,
        "time_cn": "2026年12月8日上午9时30分",
        "place": "重庆市民政局社会组织管理处第三会议室",
        "interviewers": ["王建国", "刘敏"],
        "materials": ["单位登记证书副本", "近一年财务报表"],
        "contact": "刘敏，023-63890000",
    },
    "interview_record": {
        "time_cn": "2026年12月8日上午9时30分至10时40分",
        "place": "重庆市民政局社会组织管理处第三会议室",
        "interviewers": ["王建国", "刘敏"],
        "recorder": "陈晓",
        "record": "约谈人指出该单位存在违规收费问题。\n被约谈人承认上述事实，表示将立即整改。",
        "requirements": "停止收费培训活动，清退所收费用。",
    },
    "rectification_order": {
        "facts": _FACTS,
        "evidence": _EVIDENCE,
        "requirements": (
            "一是立即停止收费培训活动；\n二是清退已收取的全部费用；\n三是办理负责人变更登记。"
        ),
        "contact": "刘敏，023-63890000",
    },
    "warning_prior_notice": {"facts": _FACTS, "evidence": _EVIDENCE},
    "warning_decision": {
        "facts": _FACTS,
        "evidence": _EVIDENCE,
        "statement_summary": "当事人在规定期限内未提出陈述、申辩意见",
    },
    "replacement_prior_notice": {"facts": _FACTS, "evidence": _EVIDENCE},
    "replacement_order": {"facts": _FACTS, "evidence": _EVIDENCE},
    "ban_prior_notice": {"facts": _FACTS, "evidence": _EVIDENCE},
    "hearing_notice": {
        "hearing_time_cn": "2026年12月21日下午2时30分",
        "hearing_place": "重庆市民政局听证室",
        "chair": "赵立新",
        "members": ["孙红"],
        "clerk": "陈晓",
        "request_date_cn": "2026年12月4日",
    },
    "ban_decision": {
        "facts": _FACTS,
        "evidence": _EVIDENCE,
        "hearing_summary": "本机关于2026年12月21日依法举行了听证",
    },
    "ban_lifted": {},
    "cascade_notice": {},
    "revocation_notice": {
        "reason": "认定事实不清，证据不足",
        "reference": "重庆市人民政府渝府复决〔2027〕12号行政复议决定",
    },
}

TITLES: dict[str, str] = {
    "interview_notice": "约谈通知书",
    "interview_record": "约谈记录",
    "rectification_order": "责令整改通知书",
    "warning_prior_notice": "行政处罚事先告知书",
    "warning_decision": "行政处罚决定书",
    "replacement_prior_notice": "行政处罚事先告知书",
    "replacement_order": "行政处罚决定书",
    "ban_prior_notice": "行政处罚事先告知书",
    "hearing_notice": "听证通知书",
    "ban_decision": "行政处罚决定书",
    "ban_lifted": "从业禁止期满通知书",
    "cascade_notice": "终止任职通知书",
    "revocation_notice": "撤销决定通知书",
}

NUMBERS: dict[str, str] = {
    "interview_notice": "渝民社约〔2026〕12号",
    "interview_record": "渝民社约记〔2026〕4号",
    "rectification_order": "渝民社整改〔2026〕7号",
    "warning_prior_notice": "渝民社罚告〔2026〕5号",
    "warning_decision": "渝民社罚决〔2026〕3号",
    "replacement_prior_notice": "渝民社撤告〔2026〕2号",
    "replacement_order": "渝民社撤换〔2026〕1号",
    "ban_prior_notice": "渝民社禁告〔2026〕9号",
    "hearing_notice": "渝民社听〔2026〕6号",
    "ban_decision": "渝民社禁决〔2026〕8号",
    "ban_lifted": "渝民社解〔2026〕10号",
    "cascade_notice": "渝民社终职〔2026〕2号",
    "revocation_notice": "渝民社撤销〔2027〕1号",
}

_BASIS_OF: dict[str, str | None] = {
    "interview_notice": None,
    "interview_record": None,
    "rectification_order": None,
    "warning_prior_notice": "warning",
    "warning_decision": "warning",
    "replacement_prior_notice": "replacement",
    "replacement_order": "replacement",
    "ban_prior_notice": "ban",
    "hearing_notice": "ban",
    "ban_decision": "ban",
    "ban_lifted": "ban",
    "cascade_notice": None,
    "revocation_notice": "warning",
}

_BAN_TYPES = {"ban_prior_notice", "hearing_notice", "ban_decision", "ban_lifted", "cascade_notice"}

#: The decision an ending or a setting aside refers to (filled from the record).
_ORIGINAL: dict[str, dict[str, str]] = {
    "ban_lifted": {
        "title": "从业禁止决定书",
        "number": "渝民社禁决〔2023〕2号",
        "date_cn": "2023年11月20日",
    },
    "cascade_notice": {
        "title": "从业禁止决定书",
        "number": "渝民社禁决〔2026〕8号",
        "date_cn": "2026年12月1日",
    },
    "revocation_notice": {
        "title": "行政处罚决定书",
        "number": "渝民社罚决〔2026〕3号",
        "date_cn": "2026年12月1日",
    },
}

_DEADLINES: dict[str, dict[str, dict[str, object]]] = {
    "interview_notice": {"interview": {"due_cn": "2026年12月8日", "provisional": False}},
    "interview_record": {"rectification": {"due_cn": "2027年1月7日", "provisional": True}},
    "rectification_order": {"rectification": {"due_cn": "2026年12月31日", "provisional": False}},
    "warning_prior_notice": {"defence_window": {"due_cn": "2026年12月4日", "provisional": False}},
    "warning_decision": {"rectification": {"due_cn": None, "period_cn": "三十日"}},
    "replacement_prior_notice": {
        "defence_window": {"due_cn": "2026年12月4日", "provisional": False}
    },
    "replacement_order": {"replacement": {"due_cn": "2027年1月15日", "provisional": True}},
    "ban_prior_notice": {
        "defence_window": {"due_cn": "2026年12月4日", "provisional": False},
        "hearing_request": {"due_cn": "2026年12月8日", "provisional": False},
    },
    "hearing_notice": {"hearing": {"due_cn": "2026年12月21日", "provisional": False}},
    "ban_decision": {},
    "ban_lifted": {},
    "cascade_notice": {"replacement": {"due_cn": None, "period_cn": "三十日"}},
    "revocation_notice": {},
}


def make_context(notice_type: str, **overrides: Any) -> dict[str, Any]:
    """A full render context for ``notice_type``; keyword overrides replace top-level keys."""
    basis_key = _BASIS_OF[notice_type]
    context: dict[str, Any] = {
        "notice": {
            "type": notice_type,
            "number": NUMBERS[notice_type],
            "title": TITLES[notice_type],
            "date_cn": "2026年12月1日",
        },
        "authority": {
            "name": "重庆市民政局",
            "address": "重庆市渝中区人民路252号",
            "phone": "023-63890000",
            "review_body": "重庆市人民政府",
            "court": "重庆市渝中区人民法院",
        },
        "organization": {
            "name": "重庆市阳光儿童关爱协会",
            "credit_code": "51500000MJP123456X",
            "kind_zh": "社会团体",
            "district": "渝中区",
            "township": "解放碑街道",
            "address": "重庆市渝中区民族路188号",
            "legal_representative": "王立",
        },
        "person": {
            "name": "张伟",
            "id_number_masked": "110105********002X",
            "role": "秘书长",
            "address": "重庆市渝中区解放西路66号",
        },
        "case": {"id": 12},
        "basis": copy.deepcopy(_BASES[basis_key]) if basis_key else None,
        "event": {"name": "issue", "at_cn": "2026年12月1日"},
        "deadlines": copy.deepcopy(_DEADLINES[notice_type]),
        "ban": (
            {
                "from_cn": "2023年12月1日" if notice_type == "ban_lifted" else "2026年12月1日",
                "until_cn": "2026年11月30日" if notice_type == "ban_lifted" else "2029年11月30日",
                "lifelong": False,
                "scope_zh": "担任慈善组织的管理人员",
                "years": 3,
                "term_zh": "三年",
                "by_court": False,
                "court": None,
                "judgment": None,
            }
            if notice_type in _BAN_TYPES
            else None
        ),
        "details": copy.deepcopy(DETAILS[notice_type]),
        "remedies": {"review_days": 60, "lawsuit_months": 6},
        "original": copy.deepcopy(_ORIGINAL.get(notice_type)),
    }
    context.update(overrides)
    return context
