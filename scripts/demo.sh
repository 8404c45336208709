#!/usr/bin/env bash
# A scripted demo of whole cases on the embedded SQLite default, in ./.demo/.
# SUPERVISE_NOW moves the program's clock, so a year of casework runs in seconds.
set -euo pipefail
rm -rf .demo && mkdir .demo && cd .demo
export SUPERVISE_USER=zhangsan
# The PUBLIC development key (README, Security model) seals the demo's ID numbers; a real
# office makes its own with `openssl rand -base64 32`.
export SUPERVISE_DATA_KEY=c3VwZXJ2aXNlIGRldmVsb3BtZW50IGtleSAtIHB1Ymw=
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ supervise %s\n' "$*"; supervise "$@"; }
at() { export SUPERVISE_NOW="$1"; printf '\n(the clock now reads %s)\n' "$1"; }

# What the notices say comes with each event (--facts, --place, --details FILE.yaml).
cat > interview.yaml <<'YAML'
interviewers: [张三, 王五]
materials: 年度工作报告、财务报表
YAML
cat > record.yaml <<'YAML'
interviewers: [张三, 王五]
requirements: 三十日内补报2025年度工作报告，并健全年报工作制度
YAML
cat > evidence.yaml <<'YAML'
evidence: 年度检查记录、约谈笔录、整改期满核查记录
YAML
cat > hearing.yaml <<'YAML'
chair: 赵六
YAML

at 2026-11-27T09:00:00+08:00
say "Create the database (supervise.db in this folder) and check the set-up"
run init --admin admin
# Who may do what (`supervise permissions`): zhangsan investigates, wang decides, qian reviews.
run --as admin user add wang --email wang@example.org --role director
run --as admin user add zhangsan --email zhangsan@example.org --role supervisor --reports-to wang
run --as admin user add qian --email qian@example.org --role legal_reviewer --qualification A20201100001
run doctor || true

say "Register a children's service charity, a social group, and a leader who serves in both"
run org add --name 重庆市某某儿童关爱服务中心 --credit-code 52500103MJ0000106J --district 渝中区 \
  --township 解放碑街道 --kind service-org --charity --email office@example.org \
  --address 重庆市渝中区人民路1号 --legal-representative 王立
run org add --name 重庆市某某青少年发展促进会 --credit-code 51500000MJ0000202E --district 渝北区 \
  --kind social-group --charity --address 重庆市渝北区龙溪街道金龙路8号
run person add --name 李四 --id-number 500103198001010016 --email lisi@example.org \
  --address 重庆市渝中区民生路2号
run appoint --org 1 --person 1 --role 秘书长
run appoint --org 2 --person 1 --role 理事

say "Case 1: an interview (约谈); its notice is numbered and must be served"
run case advance 1 schedule_interview --date 2026-12-03 --reason "未按期报送年度工作报告" \
  --facts "未按期报送2025年度工作报告" --place "渝中区民政局301会议室" --details interview.yaml
printf '%%PDF-1.4 送达回证（扫描件）\n' > receipt-1.pdf   # the signed proof of service, scanned
run notice serve 1 --method direct --on 2026-11-27 --receipt receipt-1.pdf
at 2026-12-03T15:00:00+08:00
run case advance 1 record_interview --reason "负责人承认未按期报送，承诺整改" \
  --facts "未按期报送2025年度工作报告" --place "渝中区民政局301会议室" --details record.yaml
run notice serve 3 --method lodged --on 2026-12-03 --no-receipt --reason "拒绝签收，已拍照，见证人王五"

say "Rectification not done: propose a warning (事先告知); the decision waits for the window"
at 2027-01-06T09:00:00+08:00
run case advance 1 propose_warning --reason "逾期未整改" --facts "经约谈后逾期未整改" --details evidence.yaml
run case next 1
run notice serve 4 --method mail --on 2027-01-06
run --as wang case advance 1 issue_warning --facts "经约谈后逾期未整改" --details evidence.yaml || true

say "The window closes; the warning decision issues (2027 dates are provisional until published)"
at 2027-01-12T09:00:00+08:00
run --as wang case advance 1 issue_warning --facts "经约谈后逾期未整改" --details evidence.yaml
run notice list --case 1

say "Case 2: the same person is proposed for an industry ban under 慈善法 Art. 112; a hearing is asked for"
run case advance 2 propose_ban --years 3 --conduct-date 2026-10-15 --reason "挪用慈善财产" --facts "挪用定向捐赠款项用于非慈善目的" --details evidence.yaml
printf '%%PDF-1.4 送达回证（扫描件）\n' > receipt-6.pdf
run notice serve 6 --method direct --on 2027-01-12 --receipt receipt-6.pdf
run case advance 2 request_hearing --date 2027-01-25T09:30 --place "渝北区民政局听证室" --details hearing.yaml
at 2027-01-25T16:00:00+08:00
run case advance 2 record_hearing --reason "听证笔录：当事人陈述申辩，未提出新证据"
say "Before the ban: the legal review (法制审核) and the heads' collective discussion (集体讨论)"
run --as wang case advance 2 impose_ban --years 3 --facts "挪用定向捐赠款项用于非慈善目的" --details evidence.yaml || true
run --as qian review 2 --approve --opinion "事实清楚，证据确凿，适用依据正确，程序合法，同意"
run --as wang discuss 2 --on 2027-01-25 --attendees 王局长 李副局长 张副局长 \
  --decision impose_ban --years 3 --conclusion "经局长办公会集体讨论，同意作出从业禁止三年的决定"
run --as wang case next 2
run --as wang case advance 2 impose_ban --years 3 --facts "挪用定向捐赠款项用于非慈善目的" --details evidence.yaml
say "The ban reached case 1 too: a banned person may not manage a charity"
run case show 1

say "The pre-appointment check (入职查询) finds the ban, pending until its decision is served; appointing is refused"
run bans check --id-number 500103198001010016
run appoint --org 1 --person 1 --role 理事 || true

say "The decision is served by mail: the three years run from that day"
run notice serve 8 --method mail --on 2027-01-25
run bans check --id-number 500103198001010016

say "Print the ban decision as PDF, and check a file against the record"
if run notice render 8 --format pdf -o ban-decision.pdf; then
  run notice verify 8 ban-decision.pdf
else
  echo "(PDF rendering needs WeasyPrint and fonts-noto-cjk: see README)"
fi

say "What is due, per supervisor, and the reminders a sweep would send (written to ./outbox)"
run agenda --days 30
run remind run

say "The 2027 holiday schedule is published: load it and the provisional deadlines are recomputed"
cat > 2027.yaml <<'YAML'
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（演示数据）
holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
workdays: [2027-02-07, 2027-02-20]
YAML
run --as admin calendar load 2027.yaml
run case list
printf '\nDemo finished: the database is .demo/supervise.db; try `supervise --db .demo/supervise.db case show 2`.\n'
