"""SpiffWorkflow as a peer of supervise (bench/peers.py): the ladder as a BPMN process
(bench/ladder.bpmn), each case's workflow serialized to a row as its users do.

A step, in one SQLAlchemy Core transaction on the same engine settings as supervise: read
the case's row, restore the workflow from its JSON, complete the ready user task with the
event (the exclusive gateway after it routes ``record_statement`` back to
``warning_proposed``), run the engine steps, serialize the workflow, UPDATE the row
(version-checked) and INSERT a history row with the same columns as supervise's.

The JSON is what ``BpmnWorkflowSerializer.serialize_json`` writes: the workflow with its
spec and every task it has run, so it grows with each step.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    insert,
    select,
    update,
)

from bench.base import NOW
from bench.common import statements_on
from bench.peers_base import (
    ACTOR,
    CREATED,
    EARLIER,
    EVENT,
    EVENT_AT,
    REASON,
    ROLE,
    STATE,
    bytes_held,
    org_of,
    person_of,
    read_durability,
    recorded_at,
)
from supervise.adapters.database import make_engine
from supervise.adapters.orm import UtcDateTime
from supervise.adapters.orm import history as supervise_history
from supervise.chain import GENESIS

BPMN = Path(__file__).resolve().parent / "ladder.bpmn"

metadata = MetaData()
cases = Table(
    "spiff_cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organization_id", Integer, nullable=False, index=True),
    Column("person_id", Integer, nullable=False, index=True),
    Column("role", String(50), nullable=False),
    Column("state", String(32), nullable=False, index=True),  # the ready user task
    Column("supervisor", String(100), index=True),
    Column("last_event_at", UtcDateTime, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("workflow", Text, nullable=False),  # BpmnWorkflowSerializer.serialize_json
)
# The same columns as supervise's history (and the same types), keyed to this case table.
history = Table(
    "spiff_history",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", ForeignKey("spiff_cases.id"), nullable=False),
    *(
        Column(c.name, c.type, nullable=c.nullable)
        for c in supervise_history.columns
        if c.name not in ("id", "case_id")
    ),
    UniqueConstraint("case_id", "seq"),
)


def version() -> str:
    from importlib.metadata import version as installed

    return installed("SpiffWorkflow")


class Ladder:
    """The parsed BPMN spec and one serializer, built once per process as users do."""

    def __init__(self) -> None:
        from SpiffWorkflow.bpmn.parser import BpmnParser
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState

        parser = BpmnParser()
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec("ladder")
        self.serializer = BpmnWorkflowSerializer()
        self._workflow = BpmnWorkflow
        self._ready = TaskState.READY

    def start(self) -> Any:
        workflow = self._workflow(self.spec)
        workflow.do_engine_steps()
        return workflow

    def state(self, workflow: Any) -> str:
        task = workflow.get_next_task(state=self._ready, manual=True)
        if task is None:
            raise RuntimeError("the workflow waits for nothing: it has ended")
        return str(task.task_spec.name)

    def fire(self, workflow: Any, event_name: str) -> tuple[str, str]:
        """Complete the ready user task with ``event_name``; the states before and after."""
        task = workflow.get_next_task(state=self._ready, manual=True)
        before = str(task.task_spec.name)
        task.data["event"] = event_name
        task.run()
        workflow.do_engine_steps()
        return before, self.state(workflow)

    def dumps(self, workflow: Any) -> str:
        return str(self.serializer.serialize_json(workflow))

    def loads(self, text: str) -> Any:
        return self.serializer.deserialize_json(text)


class Spiff:
    """The SpiffWorkflow contender on its own database."""

    tables: tuple[str, ...] = ("spiff_cases", "spiff_history")

    def __init__(self, url: str) -> None:
        self.url = url
        self.ladder = Ladder()
        self.name = f"SpiffWorkflow {version()}"
        self.engine: Engine = make_engine(url)  # supervise's settings: the same pragmas
        metadata.create_all(self.engine)

    def fill(self, n: int) -> None:
        workflow = self.ladder.start()
        if self.ladder.fire(workflow, "propose_warning") != ("appointed", STATE):
            raise RuntimeError(f"{BPMN.name} does not take propose_warning to {STATE}")
        text = self.ladder.dumps(workflow)
        with self.engine.begin() as conn:
            conn.execute(
                insert(cases),
                [
                    {"id": i, "organization_id": org_of(i), "person_id": person_of(i, n),
                     "role": ROLE, "state": STATE, "supervisor": ACTOR,
                     "last_event_at": EVENT_AT, "seq": len(EARLIER), "created_at": CREATED,
                     "version": 1, "workflow": text}
                    for i in range(1, n + 1)
                ],
            )  # fmt: skip
            conn.execute(
                insert(history),
                [
                    {"case_id": i, "seq": seq, "event": ev, "from_state": before,
                     "to_state": after, "at": EVENT_AT, "recorded_at": EVENT_AT, "by": ACTOR,
                     "reason": None, "basis": None, "data": {}, "prev_hash": GENESIS,
                     "hash": GENESIS}
                    for i in range(1, n + 1)
                    for seq, (ev, before, after) in enumerate(EARLIER, start=1)
                ],
            )  # fmt: skip

    def step(self, case_id: int) -> None:
        with self.engine.begin() as conn:
            row = conn.execute(
                select(cases.c.workflow, cases.c.seq, cases.c.version).where(cases.c.id == case_id)
            ).one()
            workflow = self.ladder.loads(row.workflow)
            before, after = self.ladder.fire(workflow, EVENT)
            seq = row.seq + 1
            done = conn.execute(
                update(cases)
                .where(cases.c.id == case_id, cases.c.version == row.version)
                .values(
                    workflow=self.ladder.dumps(workflow), state=after, seq=seq,
                    version=row.version + 1, last_event_at=NOW,
                )
            )  # fmt: skip
            if done.rowcount != 1:
                raise RuntimeError(f"case {case_id} was changed by someone else")
            conn.execute(
                insert(history).values(
                    case_id=case_id, seq=seq, event=EVENT, from_state=before, to_state=after,
                    at=NOW, recorded_at=recorded_at(), by=ACTOR, reason=REASON, basis=None,
                    data={}, prev_hash=GENESIS, hash=GENESIS,
                )
            )  # fmt: skip

    def statements(self, case_id: int) -> list[str]:
        return statements_on(self.engine, lambda: self.step(case_id))

    def memory(self, count: int) -> float:
        """Per restored workflow (the JSON text is let go: the least a user must hold)."""

        def load() -> Sequence[object]:
            with self.engine.connect() as conn:
                texts = conn.execute(
                    select(cases.c.workflow).where(cases.c.id <= count).order_by(cases.c.id)
                ).scalars()
                return [self.ladder.loads(text) for text in texts]

        return bytes_held(load)

    def durability(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return read_durability(self.url, lambda sql: conn.exec_driver_sql(sql).scalar())

    def close(self) -> None:
        self.engine.dispose()
