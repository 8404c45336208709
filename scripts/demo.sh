#!/usr/bin/env bash
# A scripted demo of whole cases on the embedded SQLite default, in ./.demo/.
# SUPERVISE_NOW moves the program's clock, so a year of casework runs in seconds.
set -euo pipefail
rm -rf .demo && mkdir .demo && cd .demo
export SUPERVISE_USER=zhangsan
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ supervise %s\n' "$*"; supervise "$@"; }
at() { export SUPERVISE_NOW="$1"; printf '\n(the clock now reads %s)\n' "$1"; }

at 2026-11-27T09:00:00+08:00
say "Create the database (supervise.db in this folder) and check the set-up"
run init
run doctor || true

say "Register a children's service charity, a social group, and a leader who serves in both"
run org add --name 重庆市某某儿童关爱服务中心 --credit-code 52500103MJ0000106J --district 渝中区 \
  --township 解放碑街道 --kind service-org --charity --email office@example.org
run org add --name 重庆市某某青少年发展促进会 --credit-code 51500000MJ0000202E --district 渝北区 \
  --kind social-group --charity
run person add --name 李四 --id-number 500103198001010016 --email lisi@example.org
run appoint --org 1 --person 1 --role 秘书长
run appoint --org 2 --person 1 --role 理事

say "Case 1: an interview (约谈), then rectification"
run case advance 1 schedule_interview --date 2026-12-03 --reason "未按期报送年度工作报告"
run case advance 1 record_interview --reason "约谈记录：负责人承认未按期报送，承诺整改" \
  --at 2026-12-03T10:30:00+08:00 || true
at 2026-12-03T15:00:00+08:00
run case advance 1 record_interview --reason "约谈记录：负责人承认未按期报送，承诺整改"

say "Rectification not done: propose a warning (事先告知); the decision must wait for the window"
at 2027-01-06T09:00:00+08:00
run case advance 1 propose_warning --reason "逾期未整改"
run case next 1
run case advance 1 issue_warning || true

say "The window closes; the warning issues (the 2027 dates are provisional until the State Council publishes)"
at 2027-01-12T09:00:00+08:00
run case advance 1 issue_warning

say "Case 2: the same person is proposed for an industry ban under 慈善法 Art. 112; a hearing is asked for"
run case advance 2 propose_ban --reason "挪用慈善财产"
run case advance 2 request_hearing --date 2027-01-25
at 2027-01-25T16:00:00+08:00
run case advance 2 record_hearing --reason "听证笔录：当事人陈述申辩，未提出新证据"
run case advance 2 impose_ban --until 2030-01-24
say "The ban reached case 1 too: a banned person may not manage a charity"
run case show 1

say "The pre-appointment check (入职查询) finds the ban; appointing is refused"
run bans check --id-number 500103198001010016
run appoint --org 1 --person 1 --role 理事 || true

say "The 2027 holiday schedule is published: load it and the provisional deadlines are recomputed"
cat > 2027.yaml <<'YAML'
year: 2027
source: 国务院办公厅关于2027年部分节假日安排的通知（演示数据）
holidays: [2027-01-01, 2027-02-05, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
workdays: [2027-02-07, 2027-02-20]
YAML
run calendar load 2027.yaml
run case list
run graph | head -5
printf '\nDemo finished: the database is .demo/supervise.db; try `supervise --db .demo/supervise.db case show 2`.\n'
