"""The table of top-level commands: the module that defines each and its one-line summary,
read by ``base.SuperviseGroup`` so that a command loads only its own module and
``supervise --help`` loads none."""

from __future__ import annotations

# Which module defines each top-level command: a command imports only its own module, so
# `case show` never pays for the mail, scheduler or PDF code (tests/perf checks it).
COMMAND_MODULES: dict[str, str] = {
    "init": "admin",
    "config": "admin",
    "doctor": "admin",
    "graph": "admin",
    "permissions": "admin",
    "audit": "audit",
    "keys": "keys",
    "backup": "admin",
    "restore": "admin",
    "org": "org",
    "area": "area",
    "contract": "contract",
    "evaluate": "contract",
    "person": "person",
    "appoint": "case",
    "case": "case",
    "review": "review",
    "discuss": "review",
    "bans": "bans",
    "calendar": "calendar",
    "notice": "notice",
    "user": "user",
    "remind": "remind",
    "report": "report",
    "export": "exchange",
    "import": "exchange",
    # Reminder commands kept at the top level too (`remind agenda`, `remind scheduler`).
    "agenda": "remind",
    "scheduler": "remind",
}

# The first paragraph of each command's help, so that `supervise --help` lists the commands
# without importing their modules (and the library behind them); tests/perf checks that it
# matches the commands' own help and that `--help` stays at click's import time.
COMMAND_HELP: dict[str, str] = {
    "init": "Create the database, or upgrade it to this version's schema. Safe to run twice.",
    "config": "Settings.",
    "doctor": "Check the set-up and say what to fix; exit 1 if anything needs fixing.",
    "graph": "Print a state diagram as Mermaid: the case machine, or --machine org.",
    "backup": "Write a consistent copy of the database to FILE while others keep working, and "
    "check it (integrity, schema, rows). On PostgreSQL: print the pg_dump command.",
    "restore": "Replace the database's contents with the backup FILE, after checking it.",
    "org": "Social organizations (社会组织).",
    "area": "Districts (区县) and their townships and streets (乡镇/街道).",
    "contract": "Service contracts the government buys (政府购买服务).",
    "evaluate": "Evaluate a contract against the configured indicator system.",
    "person": "People who hold or held posts (负责人); ID numbers are always shown masked.",
    "appoint": "Open a case: PERSON takes ROLE in ORG, after the ban check (入职查询).",
    "case": "Advance, show and list leadership cases.",
    "review": "Record the legal review (法制审核) of the decision CASE is heading for.",
    "discuss": "Record the collective discussion (集体讨论) of the decision CASE is heading for.",
    "bans": "Industry bans (从业禁止) and the pre-appointment check.",
    "calendar": "The working-day calendar (holidays and 调休).",
    "notice": "Official notices (文书): numbered, rendered to HTML and PDF, served.",
    "user": "The office's users: roles (see `supervise permissions`), districts, reminders.",
    "permissions": "Print who may do what: the permission table the program enforces.",
    "audit": "The tamper-evident record: every history and audit row is hash-chained.",
    "keys": "The key that seals ID numbers at rest: rotate it (see the README, Security model).",
    "remind": "Reminders, escalations and digests by e-mail (the outbox).",
    "report": "The bureau's reports (统计报告): tables, --json, or --html FILE.",
    "export": "Write every organization, case, service contract or evaluation as CSV or JSON, "
    "streamed (flat memory).",
    "import": "Import organizations, persons or service contracts from a CSV file (UTF-8 or "
    "GB18030).",
    "agenda": "What falls due, per supervisor: deadlines within --days, and everything overdue.",
    "scheduler": "Run the reminder work forever in the foreground; log to stderr; stop with "
    "SIGTERM or Ctrl-C. Several may run against one PostgreSQL database.",
}
