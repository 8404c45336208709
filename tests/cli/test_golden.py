"""Golden files pin the human output of the reading commands (issue 8, item 7).

One deterministic office is built through the CLI (click's ``CliRunner`` on
``supervise.cli.cli``, a temporary SQLite file, ``SUPERVISE_NOW`` and the acting user fixed
per step, a config with the file mail transport into the temporary folder): four cases in
different states with deadlines, notices (some served), a user directory with a director,
and an outbox after ``remind run`` (sent messages, then failed and retrying ones while the
mail folder cannot be written). The stdout of ``case show``, ``case next``, ``case list``,
``notice list``, ``agenda`` and ``remind status`` (and of each ``remind run``) is then
compared with ``tests/cli/golden/<name>.txt``; ``transcript.txt`` holds every step of the
build with its stdout, stderr and exit status.

Only the temporary folder is normalised (to ``<tmp>``): it appears in the arguments and in
mail errors. Nothing else varies between runs: every moment comes from ``SUPERVISE_NOW``,
and the wall-clock ``recorded_at`` is not part of human output.

Regenerate the golden files after an intended change of output::

    SUPERVISE_UPDATE_GOLDEN=1 .venv/bin/pytest tests/cli/test_golden.py

Check (or, with ``SUPERVISE_UPDATE_GOLDEN=1``, generate) the golden files against another
installation of supervise, e.g. the code before a refactoring, by naming its Python: the
same scenario then runs in that interpreter (this file run as a script)::

    SUPERVISE_GOLDEN_PYTHON=/work/before/.venv/bin/python .venv/bin/pytest tests/cli/test_golden.py

This module imports nothing from ``tests`` and only ``supervise.cli`` from the package, so
that it runs unchanged against older code.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("SUPERVISE_UPDATE_GOLDEN") == "1"
OTHER_PYTHON = os.environ.get("SUPERVISE_GOLDEN_PYTHON")

T0 = "2026-11-27T10:00:00+08:00"  # a Friday: registration, appointments, first events
T1 = "2026-12-01T09:00:00+08:00"  # reminders before deadlines, the first digests
T2 = "2026-12-08T15:00:00+08:00"  # case 4's interview is held
T3 = "2026-12-14T09:00:00+08:00"  # overdue notices and escalations; the mail folder is broken
T4 = "2026-12-14T09:10:00+08:00"  # the retry fails for good (max_attempts: 2)
T5 = "2026-12-15T09:00:00+08:00"  # the next day's digests wait for a retry
SNAP = "2026-12-15T09:30:00+08:00"  # when the reading commands are run

FILES: dict[str, str] = {
    "good.yaml": (
        "mail:\n"
        "  transport: file\n"
        "  from: supervise@mzj.example.gov.cn\n"
        "  file:\n"
        "    dir: {tmp}/outbox\n"
        "reminders:\n"
        "  parties: {{rectification: [organization], interview: [person]}}\n"
        "  delivery:\n"
        "    max_attempts: 2\n"
    ),
    # The same, with a mail folder inside a plain file: every delivery fails.
    "broken.yaml": (
        "mail:\n"
        "  transport: file\n"
        "  from: supervise@mzj.example.gov.cn\n"
        "  file:\n"
        "    dir: {tmp}/blocked/outbox\n"
        "reminders:\n"
        "  parties: {{rectification: [organization], interview: [person]}}\n"
        "  delivery:\n"
        "    max_attempts: 2\n"
    ),
    "blocked": "not a folder\n",
    "warning.yaml": "evidence: |-\n  1. 年度检查记录；\n  2. 询问笔录1份。\n",
    "receipt.pdf": "%PDF-1.4 送达回证（扫描件）\n",
    "interview.yaml": (
        "interviewers: [王建国, 刘敏]\n"
        "materials: [单位登记证书副本, 近一年财务报表]\n"
        "contact: 刘敏，023-63890000\n"
    ),
    "record.yaml": (
        "time_cn: 2026年12月8日下午3时至4时\n"
        "place: 南岸区民政局301会议室\n"
        "interviewers: [王建国, 刘敏]\n"
        "recorder: 陈晓\n"
        "record: |-\n"
        "  约谈人指出该单位未按规定报送年度工作报告。\n"
        "  被约谈人承认上述事实，表示将立即整改。\n"
        "requirements: 三十日内补报年度工作报告\n"
    ),
}


@dataclass(frozen=True)
class Step:
    """One command: its arguments, the clock, who acts, the config, and what to keep."""

    args: tuple[str, ...]
    now: str = T0
    user: str = "zhang"
    config: str = "good.yaml"
    golden: str | None = None  # keep the stdout as golden/<golden>.txt


def _s(command: str, **kw: str) -> Step:
    """A step from its command line (split like a shell would; ``{tmp}`` is the work folder)."""
    return Step(tuple(shlex.split(command)), **kw)


# Identities have correct check characters (GB 11643, GB 32100).
STEPS: tuple[Step, ...] = (
    _s("init --admin admin", user="admin"),
    _s("user add wang --email wang@mzj.example.gov.cn --role director", user="admin"),
    _s("user add zhang --email zhang@mzj.example.gov.cn --reports-to wang", user="admin"),
    _s("user add li --email li@mzj.example.gov.cn --reports-to wang", user="admin"),
    _s(
        "org add --name 重庆市阳光儿童关爱协会 --credit-code 52500103MJ0000210N"
        " --district 渝中区 --kind social-group --township 解放碑街道 --charity"
        " --email office@yangguang.example.org --address 重庆市渝中区民族路188号"
        " --legal-representative 王立"
    ),
    _s(
        "org add --name 渝中区彩虹儿童服务中心 --credit-code 52500103MJ0000229K"
        " --district 渝中区 --kind service-org"
    ),
    _s(
        "org add --name 重庆市春苗儿童基金会 --credit-code 52500103MJ0000237E"
        " --district 江北区 --kind foundation --charity"
    ),
    _s(
        "org add --name 重庆市守护童年志愿者协会 --credit-code 52500103MJ00002459"
        " --district 南岸区 --kind social-group --email contact@shouhu.example.org"
    ),
    _s("person add --name 李四 --id-number 500103197503150110 --address 重庆市渝中区民生路2号"),
    _s("person add --name 王五 --id-number 500103197503150129"),
    _s("person add --name 赵六 --id-number 500103197503150137"),
    _s("person add --name 钱七 --id-number 500103197503150145"),
    _s("person edit 2 --email wangwu@example.org"),
    _s("appoint --org 1 --person 1 --role 秘书长"),
    _s("appoint --org 2 --person 2 --role 理事长", user="li"),
    _s("appoint --org 3 --person 3 --role 理事长"),
    _s("appoint --org 4 --person 4 --role 秘书长"),
    _s(
        "case advance 1 propose_warning --reason 未按规定参加年度检查"
        " --facts 2026年度未按规定参加年度检查，经催告仍未报送年度工作报告。"
        " --details {tmp}/warning.yaml"
    ),
    _s("notice serve 1 --method direct --on 2026-11-27 --receipt {tmp}/receipt.pdf"),
    _s(
        "case advance 2 schedule_interview --date 2026-12-10 --facts 未按规定报送年度工作报告"
        " --place 渝中区民政局301会议室 --details {tmp}/interview.yaml",
        user="li",
    ),
    _s(
        "case advance 3 record_court_ban --judgment （2026）渝0105刑初88号"
        " --court 重庆市南岸区人民法院 --from 2026-11-01 --until 2030-10-31",
        user="wang",
    ),
    _s(
        "case advance 4 schedule_interview --date 2026-12-08 --facts 未按规定报送年度工作报告"
        " --place 南岸区民政局301会议室 --details {tmp}/interview.yaml"
    ),
    _s(
        "notice serve 3 --method lodged --on 2026-11-27 --no-receipt"
        " --reason 受送达人拒绝签收，已拍照留存"
    ),
    _s("remind run", now=T1, golden="remind_run_1"),
    _s(
        "case advance 4 record_interview --reason 约谈记录 --facts 未按规定报送年度工作报告"
        " --details {tmp}/record.yaml",
        now=T2,
    ),
    _s("remind run", now=T3, config="broken.yaml", golden="remind_run_2"),
    _s("remind run", now=T4, config="broken.yaml", golden="remind_run_3"),
    _s("remind run", now=T5, config="broken.yaml", golden="remind_run_4"),
    # The reading commands, at one moment.
    *(_s(f"case show {n}", now=SNAP, golden=f"case_show_{n}") for n in (1, 2, 3, 4)),
    *(_s(f"case next {n}", now=SNAP, golden=f"case_next_{n}") for n in (1, 2, 3, 4)),
    _s("case list", now=SNAP, golden="case_list"),
    _s("case list --overdue", now=SNAP, golden="case_list_overdue"),
    _s("case list --state rectifying", now=SNAP, golden="case_list_rectifying"),
    _s("notice list", now=SNAP, golden="notice_list"),
    _s("notice list --case 4", now=SNAP, golden="notice_list_case_4"),
    _s("agenda", now=SNAP, golden="agenda"),
    _s("agenda --days 60", now=SNAP, golden="agenda_days_60"),
    _s("agenda --user li", now=SNAP, golden="agenda_user_li"),
    _s("remind status", now=SNAP, golden="remind_status"),
)

NAMES = [s.golden for s in STEPS if s.golden] + ["transcript"]


def play(workdir: Path) -> dict[str, str]:
    """Build the office in ``workdir`` step by step; the kept outputs, normalised, by name."""
    from click.testing import CliRunner

    from supervise.cli import cli

    tmp = str(workdir)
    for name, text in FILES.items():
        (workdir / name).write_text(text.format(tmp=tmp), encoding="utf-8")
    db = workdir / "golden.db"
    runner = CliRunner()
    outputs: dict[str, str] = {}
    transcript: list[str] = []
    for step in STEPS:
        args = [a.format(tmp=tmp) for a in step.args]
        config = str(workdir / step.config)
        result = runner.invoke(
            cli,
            ["--db", str(db), "--config", config, "--as", step.user, *args],
            env={
                "SUPERVISE_NOW": step.now,
                "SUPERVISE_USER": step.user,
                "SUPERVISE_CONFIG": None,
                "SUPERVISE_DB": None,
            },
            catch_exceptions=False,
        )
        stdout, stderr = result.stdout, result.stderr
        for folder in {os.path.realpath(tmp), tmp}:
            stdout, stderr = stdout.replace(folder, "<tmp>"), stderr.replace(folder, "<tmp>")
        shown = " ".join(step.args).replace("{tmp}", "<tmp>")
        transcript.append(
            f"$ SUPERVISE_NOW={step.now} supervise --as {step.user} --config {step.config}"
            f" {shown}\n{stdout}"
            + "".join(f"[stderr] {line}\n" for line in stderr.splitlines())
            + f"[exit {result.exit_code}]\n"
        )
        if result.exit_code != 0:
            raise AssertionError(
                f"supervise {shown} failed ({result.exit_code}): {stderr}\n" + "\n".join(transcript)
            )
        if step.golden:
            outputs[step.golden] = stdout
    outputs["transcript"] = "\n".join(transcript)
    return outputs


def _play_elsewhere(python: str, workdir: Path) -> dict[str, str]:
    """Run :func:`play` in another interpreter (another installation of supervise)."""
    out = workdir / "outputs.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERVISE_", "PYTHON"))}
    # Run from the work folder, so that no `supervise` package in the current folder shadows
    # the one installed for that interpreter.
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), str(workdir), str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    here = str(Path(sys.modules["supervise"].__file__ or "").resolve().parent)
    assert data["supervise"] != here, f"{python} runs this very code ({here})"
    outputs: dict[str, str] = data["outputs"]
    return outputs


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    workdir = tmp_path_factory.mktemp("golden")
    if OTHER_PYTHON:
        import supervise  # noqa: F401  (so _play_elsewhere can tell the two apart)

        produced = _play_elsewhere(OTHER_PYTHON, workdir)
    else:
        produced = play(workdir)
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        for name, text in produced.items():
            (GOLDEN / f"{name}.txt").write_text(text, encoding="utf-8", newline="\n")
    return produced


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_golden_file(outputs: dict[str, str], name: str) -> None:
    path = GOLDEN / f"{name}.txt"
    assert path.is_file(), f"{path} is missing: run with SUPERVISE_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert outputs[name] == expected, (
        f"`{name}` differs from {path.name}; if the change is intended, regenerate the "
        "golden files with SUPERVISE_UPDATE_GOLDEN=1"
    )


def test_every_golden_file_is_used() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(NAMES)


def test_golden_outputs_are_not_empty(outputs: dict[str, str]) -> None:
    # A golden file of nothing pins nothing: each command printed something.
    assert [name for name, text in outputs.items() if not text.strip()] == []


if __name__ == "__main__":
    # python tests/cli/test_golden.py WORKDIR OUTPUT.json: play the scenario with whatever
    # supervise this interpreter imports (used with SUPERVISE_GOLDEN_PYTHON).
    import supervise

    produced = play(Path(sys.argv[1]))
    location = str(Path(supervise.__file__ or "").resolve().parent)
    Path(sys.argv[2]).write_text(
        json.dumps({"supervise": location, "outputs": produced}, ensure_ascii=False),
        encoding="utf-8",
    )
