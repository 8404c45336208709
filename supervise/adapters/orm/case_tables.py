"""The tables of organizations, persons, cases, their history, deadlines, bans, notices, users, the
audit and the outbox.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from supervise.adapters.orm.column_types import UtcDateTime, metadata
from supervise.states import CaseState, OrgState

org_state = Enum(
    OrgState,
    native_enum=False,
    length=20,
    values_callable=lambda states: [s.value for s in states],
    validate_strings=True,
    name="org_state",
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("credit_code", String(18), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),
    Column("charity", Boolean, nullable=False),
    Column("district", String(100), nullable=False),
    Column("township", String(100)),
    Column("email", String(254)),
    # The lifecycle state (states.OrgState); organizations before issue 12 are active.
    Column("status", org_state, nullable=False, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # 住所 and 法定代表人 (行政处罚法 Art. 59(一)); added in revision 0004.
    Column("address", String(200)),
    Column("legal_representative", String(100)),
    # Issue 12 (revision 0006): a professional child-protection organization, and the
    # services it provides.
    Column("professional", Boolean, nullable=False),
    Column("services", JSON, nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, index=True),
    # Revision 0009: the ID number sealed (AES-GCM) and its keyed hash (HMAC-SHA-256), the
    # one lookup key; model.Person.id_number is the clear number, in memory only
    # (adapters/personal_data.py seals and opens it).
    Column("id_number_enc", Text, nullable=False),
    Column("id_number_hmac", String(64), nullable=False, unique=True),
    Column("email", String(254)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # 住址 (行政处罚法 Art. 59(一)); added in revision 0004.
    Column("address", String(200)),
)

# The fingerprints of the keys the sealed ID numbers are under (revision 0009): a key ring
# lacking one is refused before a lookup could wrongly find nobody.
data_keys = Table(
    "data_keys",
    metadata,
    Column("fingerprint", String(16), primary_key=True),
)

edits = Table(
    "edits",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("entity", String(20), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("changes", JSON, nullable=False),
    Index("ix_edits_entity", "entity", "entity_id"),
)

case_state = Enum(
    CaseState,
    native_enum=False,
    length=32,
    values_callable=lambda states: [s.value for s in states],
    validate_strings=True,
    name="case_state",
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", ForeignKey("organizations.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("persons.id"), nullable=False, index=True),
    Column("role", String(50), nullable=False),
    Column("state", case_state, nullable=False, index=True),
    Column("stack", String(400), nullable=False),
    Column("proceeding_basis", String(50)),
    Column("statement_waived", Boolean, nullable=False),
    Column("hearing_recorded", Boolean, nullable=False),
    Column("supervisor", String(100), index=True),
    Column("last_event_at", UtcDateTime, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # The measure the open proceeding's prior notice proposed (a ban's years), and the date
    # of the conduct it is about; added in revision 0004.
    Column("proposed_measure", Integer),
    Column("conduct_date", Date),
    # The hash of the case's last history row (supervise/chain.py); revision 0007.
    Column("chain_head", String(64)),
    # 法制审核 and 集体讨论 of the next decision (supervise/scrutiny.py); revision 0010.
    Column("proposal_key", String(16)),
    Column("review_key", String(20)),
    Column("review_outcome", String(10)),
    Column("discussion_key", String(20)),
    Column("discussion_decision", String(40)),
    Column("discussion_years", Integer),
)

history = Table(
    "history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("event", String(40), nullable=False),
    Column("from_state", String(32)),
    Column("to_state", String(32), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("reason", Text),
    Column("basis", String(50)),
    Column("data", JSON, nullable=False),
    # The case's hash chain (supervise/chain.py); revision 0007.
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # One row per (case, seq): a second writer of the same step fails instead of forking.
    UniqueConstraint("case_id", "seq"),
    # The reports' figures over a period (penalties per month, closures); revision 0005.
    Index("ix_history_event_at", "event", "at"),
)

deadlines = Table(
    "deadlines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("nature", String(10), nullable=False),
    Column("owner", String(100), nullable=False),
    Column("start", Date, nullable=False),
    Column("rule", String(10), nullable=False),
    Column("amount", Integer, nullable=False),
    Column("due", Date, nullable=False),
    Column("provisional", Boolean, nullable=False),
    Column("status", String(10), nullable=False),
    Column("opened_seq", Integer, nullable=False),
    Column("closed_seq", Integer),
    # The notice a window counts from (or that must be served); added in revision 0003.
    Column("notice_id", Integer, index=True),
    Index("ix_deadlines_status_due", "status", "due"),
    Index("ix_deadlines_case_status", "case_id", "status"),
    Index("ix_deadlines_provisional", "provisional", "status"),
)

bans = Table(
    "bans",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("persons.id"), nullable=False, index=True),
    Column("case_id", ForeignKey("cases.id"), index=True),
    Column("basis", String(50), nullable=False),
    Column("judgment", String(200)),
    Column("scope", String(10), nullable=False),
    Column("start", Date, nullable=False),
    Column("until", Date),
    Column("lifelong", Boolean, nullable=False),
    Column("status", String(10), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    # A court's ban: the court; an ended or set-aside ban: the judgment or decision that
    # ended it. Added in revision 0004.
    Column("court", String(200)),
    Column("end_reference", String(200)),
)

calendar_years = Table(
    "calendar_years",
    metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("holidays", JSON, nullable=False),
    Column("workdays", JSON, nullable=False),
    Column("source", Text, nullable=False),
    Column("loaded_at", UtcDateTime, nullable=False),
    Column("loaded_by", String(100), nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("email", String(254)),
    Column("role", String(20), nullable=False),
    Column("reports_to_id", ForeignKey("users.id")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    # Added in revision 0006 (issue 11): the districts a user is limited to (empty: all),
    # the legal reviewer's 法律职业资格证书编号, and whether the account may still act.
    Column("districts", JSON, nullable=False),
    Column("qualification", String(50)),
    Column("disabled", Boolean, nullable=False),
)

#: Everything done or refused that is not a step of a case: refusals, user management,
#: reviews, discussions, reveals. Append-only, like history.
audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("by", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("outcome", String(10), nullable=False),
    Column("case_id", Integer, index=True),
    Column("reason", Text),
    Column("data", JSON, nullable=False),
    # The audit chain (supervise/chain.py): a unique prev_hash means no fork.
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("deadline_id", ForeignKey("deadlines.id")),
    Column("case_id", ForeignKey("cases.id")),
    Column("step", Integer, nullable=False),
    Column("recipient", String(120), nullable=False),
    Column("day", Date),
    Column("step_on", Date, nullable=False),
    Column("address", String(254)),
    Column("subject", Text),
    Column("body_text", Text),
    Column("body_html", Text),
    Column("message_id", String(200), nullable=False),
    # The notice to attach (notices issue); no foreign key until that table exists.
    Column("notice_id", Integer),
    Column("status", String(12), nullable=False),
    Column("late", Boolean, nullable=False),
    Column("queued_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", Text),
    Column("sent_at", UtcDateTime),
    Column("sent_by", String(100)),
    # The outbox key: a second queueing of the same message is impossible. NULLs are
    # distinct, so digests (no deadline) and deadline messages (no day) never collide.
    UniqueConstraint("deadline_id", "kind", "step", "recipient"),
    UniqueConstraint("recipient", "day"),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("cases.id"), nullable=False, index=True),
    Column("history_seq", Integer, nullable=False),
    Column("type", String(30), nullable=False),
    Column("number", String(100), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("snapshot", JSON, nullable=False),
    Column("template_version", String(40), nullable=False),
    Column("html", Text, nullable=False),
    Column("html_sha256", String(64), nullable=False),
    Column("pdf_sha256", String(64)),
    Column("pdf_text_sha256", String(64)),
    Column("served_on", Date),
    Column("service_method", String(12)),
    Column("status", String(12), nullable=False),
    # Numbers are sequential per type and year and never reused.
    UniqueConstraint("type", "year", "seq"),
)

notice_services = Table(
    "notice_services",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("notice_id", ForeignKey("notices.id"), nullable=False, index=True),
    Column("method", String(12), nullable=False),
    Column("delivered_on", Date, nullable=False),
    Column("served_on", Date, nullable=False),
    Column("receipt_sha256", String(64)),
    Column("consent", Text),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("by", String(100), nullable=False),
    # Why a direct or lodged service has no signed 送达回证; added in revision 0004.
    Column("no_receipt_reason", Text),
)

number_sequences = Table(
    "number_sequences",
    metadata,
    Column("type", String(30), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False),
)
