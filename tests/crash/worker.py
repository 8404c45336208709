"""A supervisor that never stops: advance cases, render their notices, send the mail.

Run by ``test_crash.py`` as a real process and killed with SIGKILL. It prints a marker line
after each step has returned (so after its commit) and before each PDF is rendered, so the
test can kill it right there: ``committed advance``, ``committed remind``, ``rendering``.

Usage: python -m tests.crash.worker DB_URL CONFIG SEED
"""

from __future__ import annotations

import random
import sys
from datetime import date

import supervise


def main() -> None:
    url, config, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = random.Random(seed)
    with supervise.open(url, config=config, actor="zhang") as office:
        cases = [c.id for c in office.cases(limit=1000)]
        while True:
            case = rng.choice(cases)
            if office.case(case).state.value == "appointed":
                result = office.advance(
                    case,
                    "schedule_interview",
                    date=date(2026, 12, 2),
                    facts="未按期报送年度工作报告",
                    place="区民政局301室",
                    details={"interviewers": ["张三", "王五"]},
                )
                print("committed advance", flush=True)
                for notice_id, _, _ in result.notices:
                    if rng.random() < 0.5:
                        print("rendering", flush=True)
                        office.render_notice(notice_id, "pdf")
                        print("committed render", flush=True)
            else:
                office.advance(case, "cancel_interview", reason="改期")
                print("committed advance", flush=True)
            office.run_reminders()
            print("committed remind", flush=True)


if __name__ == "__main__":
    main()
