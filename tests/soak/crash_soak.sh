#!/usr/bin/env bash
# tests/soak/crash_soak.sh — kills the headless kiosk with SIGKILL at random moments of
# written and oral exams and restarts it, again and again, checking after every kill that
# nothing the kiosk had promised is lost.
#
# The kiosk reads its script from a FIFO, so the driver writes each run's script only once
# it knows where the restarted kiosk stands: `--trace` makes the kiosk write one line per
# command it carried out (line number, real time, virtual clock, screen, attempt, deadline,
# answer length). Each run's script goes on from that screen (identify a student, draw,
# type chunks of text with a real `hold` after each, sometimes `wait` on the virtual clock,
# hand in or take the oral grade, next student; a roster used up closes the session and
# the next copy of the exam starts), and the driver kills the kiosk after a random delay,
# whatever it is doing. After every kill:
#   - `PRAGMA integrity_check` is ok and `bilet verify` is clean;
#   - the answer on disk for the attempt that was running holds at least the text typed by
#     the end of the last `hold` that ended more than 1 s before the kill, and nothing that
#     was not typed (it is a prefix of what the script typed, in that attempt);
#   - the restarted kiosk holds exactly that text (its answer length, and the last word
#     visible on screen);
#   - the deadline of the running period is never later than before the kill, so the time
#     left at any clock reading is never larger (a restart gives no time back). The
#     headless clock restarts at the real time, which may lie behind the virtual clock of
#     the killed run, so deadlines are compared, and the new run then waits up to the old
#     clock before going on.
# Kills: $BILET_SOAK_KILLS, else 200 with BILET_LONG=1, else 20. Seed: $BILET_SEED.
set -euo pipefail
export LC_ALL=C # lengths and prefixes in bytes
# shellcheck disable=SC2034 # lib.sh names the test with $flow in its messages
flow=soak
# shellcheck source=../kiosk/lib.sh
. "$(dirname "$0")/../kiosk/lib.sh"
trap cleanup_soak EXIT
trap "" PIPE # a write to a killed kiosk fails instead of ending the driver

kills_wanted=${BILET_SOAK_KILLS:-$([ "${BILET_LONG:-0}" = 1 ] && echo 200 || echo 20)}
seed=${BILET_SEED:-$$}
RANDOM=$seed
pin=1379
fifo=$scratch/in.fifo
kiosk_pid=

cleanup_soak() {
  if [ -n "$kiosk_pid" ]; then
    kill -KILL "$kiosk_pid" 2>/dev/null || true
    wait "$kiosk_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}

now_ms() { # the real time in ms into NOW, without a fork
  local t=${EPOCHREALTIME/[.,]/}
  NOW=${t:0:${#t}-3}
}
rnd() { R=$(($1 + RANDOM % ($2 - $1 + 1))); } # rnd LO HI: a number into R

setup
mkfifo "$fifo"

# Copies of the demo exams under their own ids, so that the soak never runs out of
# students: copy N is written (demo) for odd N, oral (demo-oral) for even N.
exam_n=0
exam_dir=
exam_id=
exam_mode=
students=()
next_student=0
new_exam() {
  exam_n=$((exam_n + 1))
  local base=demo mode=written
  if [ $((exam_n % 2)) = 0 ]; then base=demo-oral mode=oral; fi
  exam_dir=$scratch/exam-$exam_n
  rm -rf "$exam_dir"
  cp -R "$scratch/$base" "$exam_dir"
  sed -i "s/^id = \(.*\)/id = \1-s$exam_n/" "$exam_dir/exam.ini"
  exam_id=$(sed -n 's/^id = *\([^ ;]*\).*/\1/p' "$exam_dir/exam.ini")
  exam_mode=$mode
  mapfile -t students < <(tail -n +2 "$exam_dir/roster.csv" | tr ',' ';' |
    awk -F';' '$4 == "допущен" || $4 == "admitted" { print $1 }')
  next_student=0
}

# ---- the plan of one run: script lines, and what the driver expects of each ------------
ln=0               # the last script line written to the running kiosk
declare -A L_kind  # line → type | hold | other
declare -A L_text  # line → the answer the driver has typed in its attempt after that line
declare -A L_seg   # line → the driver's attempt counter (0: no attempt running)
seg=0              # the attempt the driver is typing in (0: none)
segs=0             # attempts the driver has begun (seg's last value)
model=             # its text so far (what the kiosk should hold)
plan_ms=0          # real time the plan's holds take
quits=0            # the plan ends with the invigilator quitting
words=(Ответ Қазақ әліпбиі порода уступ выемка ӘҒҚҢӨҰҮҺІ забой карьер blast)
chunk_n=0

emit() { # emit KIND LINE...
  local kind=$1
  shift
  ln=$((ln + 1))
  L_kind[$ln]=$kind
  L_text[$ln]=$model
  L_seg[$ln]=$seg
  printf '%s\n' "$*" >&3 2>/dev/null || true
}

unlock() {
  emit other "key F12"
  emit other "type $pin"
  emit other "enter"
  emit other "expect screen invigilator"
}

type_some() { # a few chunks, each held so that the saver gets real time
  local k n h
  rnd 3 9
  n=$R
  for ((k = 0; k < n; k++)); do
    chunk_n=$((chunk_n + 1))
    local chunk=" ${words[RANDOM % ${#words[@]}]}-$chunk_n"
    model+=$chunk
    emit type "type $chunk"
    rnd 60 400
    h=$R
    emit hold "hold $h"
    plan_ms=$((plan_ms + h))
    if [ $((RANDOM % 4)) = 0 ]; then
      rnd 1 20
      emit other "wait $R"
    fi
  done
}

finish_attempt() { # hands in (written) or grades (oral); ends on identify
  if [ "$exam_mode" = written ]; then
    emit other "key ctrl+Return"
    emit other "expect screen submit_confirm"
    emit other "enter"
  else
    unlock
    emit other "key F7"
    rnd 2 5
    emit other "type $R"
    emit other "enter"
  fi
  emit other "expect screen done"
  seg=0
  model=
  emit other "enter"
  emit other "expect screen identify"
}

# plan_from SCREEN: script lines from SCREEN on, until the holds take $1 ms or the exam
# is over (the session closed and the program quit).
plan_from() {
  local screen=$1 want_ms=$2
  plan_ms=0
  quits=0
  while :; do
    case $screen in
      locked)
        unlock
        emit other "key F1"
        emit other "expect screen identify"
        screen=identify
        ;;
      identify)
        if [ "$plan_ms" -ge "$want_ms" ]; then return; fi
        if [ "$next_student" -ge "${#students[@]}" ]; then
          unlock
          emit other "key F8"
          emit other "expect screen closed"
          screen=closed
          continue
        fi
        emit other "type ${students[$next_student]}"
        next_student=$((next_student + 1))
        emit other "enter"
        emit other "expect screen confirm_student"
        screen=confirm_student
        ;;
      confirm_student)
        emit other "enter"
        emit other "expect screen ticket"
        screen=ticket
        ;;
      ticket)
        segs=$((segs + 1))
        seg=$segs
        model=
        emit other "enter"
        if [ "$exam_mode" = oral ]; then screen=prep; else screen=answer; fi
        emit other "expect screen $screen"
        ;;
      prep)
        rnd 1 60
        emit other "wait $R"
        emit other "enter"
        emit other "expect screen answer"
        screen=answer
        ;;
      answer)
        type_some
        if [ "$plan_ms" -ge "$want_ms" ] && [ $((RANDOM % 2)) = 0 ]; then return; fi
        finish_attempt
        screen=identify
        ;;
      submit_confirm)
        emit other "enter"
        emit other "expect screen done"
        seg=0
        model=
        emit other "enter"
        screen=identify
        ;;
      done)
        seg=0
        model=
        emit other "enter"
        emit other "expect screen identify"
        screen=identify
        ;;
      closed)
        unlock
        emit other "key F8"
        quits=1
        return
        ;;
      *)
        fail "the restarted kiosk is on $screen, which this soak does not drive"
        ;;
    esac
  done
}

# ---- the trace ---------------------------------------------------------------------------
# One line per command the kiosk carried out, its fields in a fixed order (headless.h):
# line real_ms clock screen attempt period deadline left answer_bytes saved.
declare -A T_ms T_att T_period T_deadline T_bytes T_clock T_screen
trace_last=-1
read_trace() {
  local n ms clock screen att period deadline _left bytes saved
  T_ms=() T_att=() T_period=() T_deadline=() T_bytes=() T_clock=() T_screen=()
  trace_last=-1
  [ -f "$trace" ] || return 0
  while read -r n ms clock screen att period deadline _left bytes saved; do
    case $saved in saved=?) ;; *) continue ;; esac # a line cut short by the kill
    n=${n#line=}
    T_ms[$n]=${ms#real_ms=}
    T_clock[$n]=${clock#clock=}
    T_screen[$n]=${screen#screen=}
    T_att[$n]=${att#attempt=}
    T_period[$n]=${period#period=}
    T_deadline[$n]=${deadline#deadline=}
    T_bytes[$n]=${bytes#answer_bytes=}
    trace_last=$n
  done <"$trace"
}

db_answer() { # db_answer ATTEMPT: the saved text of that attempt of this exam
  sqlite3 "$data/bilet.db" \
    "SELECT CAST(text AS TEXT) FROM answers WHERE exam = '$exam_id' AND attempt = $1"
}

# ---- the soak ------------------------------------------------------------------------------
kills=0 runs=0 exams_closed=0 kills_startup=0 db_made=0
kills_typing=0 bytes_lost_max=0 age_lost_max=0 lost_kills=0 durable_checked=0
deadline_checked=0 deadline_gain_max=-999999 start_ms_max=0 typed_total=0
prev_att=0 prev_period=none prev_deadline=0 prev_clock=0 prev_text=
now_ms
started=$NOW
new_exam
echo "crash soak: $kills_wanted kills, seed $seed, $(basename "$kiosk")"

while [ "$kills" -lt "$kills_wanted" ]; do
  runs=$((runs + 1))
  trace=$scratch/trace.$runs
  out=$scratch/kiosk.$runs.out
  ln=0
  L_kind=() L_text=() L_seg=()
  now_ms
  launch_ms=$NOW
  (cd "$scratch" && exec "$kiosk" --config "$scratch/kiosk.ini" --exam "$exam_dir" \
    --headless --script - --trace "$trace" --size 640x480) <"$fifo" >"$out" 2>&1 &
  kiosk_pid=$!
  exec 3>"$fifo"
  if [ $((RANDOM % 8)) = 0 ]; then
    # Now and then the kill lands in start-up itself: replay, WAL recovery, first frame.
    rnd 0 150
    sleep "0.$(printf %03d "$R")"
    kill -KILL "$kiosk_pid"
    { wait "$kiosk_pid"; } 2>/dev/null || true
    kiosk_pid=
    exec 3>&-
    kills=$((kills + 1))
    kills_startup=$((kills_startup + 1))
    # The kiosk makes its data folder at its first start: a kill before that leaves none,
    # which is right only while no start has made it yet.
    if [ ! -e "$data/bilet.db" ]; then
      [ "$db_made" = 0 ] || fail "kill $kills (start-up): $data/bilet.db is gone"
      continue
    fi
    db_made=1
    ic=$(sqlite3 "$data/bilet.db" "PRAGMA integrity_check")
    [ "$ic" = ok ] || fail "kill $kills (start-up): integrity_check: $ic"
    verify
    continue # nothing ran: what the next start must show is unchanged
  fi
  for _ in $(seq 1 400); do
    [ -s "$trace" ] && break
    kill -0 "$kiosk_pid" 2>/dev/null || break
    sleep 0.025
  done
  read_trace
  [ "$trace_last" = 0 ] || { cat "$out" >&2; fail "run $runs: the kiosk did not come up"; }
  start_ms=$((T_ms[0] - launch_ms))
  [ "$start_ms" -le "$start_ms_max" ] || start_ms_max=$start_ms
  screen=${T_screen[0]}
  att=${T_att[0]}

  # What the restarted kiosk holds, against what was on disk after the kill.
  seg_model=
  if [ "$att" != 0 ]; then
    if [ "$att" = "$prev_att" ]; then seg_model=$prev_text; else seg_model=$(db_answer "$att"); fi
    [ "${T_bytes[0]}" = "${#seg_model}" ] ||
      fail "run $runs: attempt $att resumed with ${T_bytes[0]} bytes, ${#seg_model} were saved"
  fi
  if [ "$prev_att" != 0 ] && [ "$att" = "$prev_att" ] && [ "${T_period[0]}" = "$prev_period" ]; then
    gain=$((T_deadline[0] - prev_deadline))
    [ "$gain" -le 0 ] ||
      fail "run $runs: attempt $att's deadline moved $gain s later across the kill"
    [ "$gain" -le "$deadline_gain_max" ] || deadline_gain_max=$gain
    deadline_checked=$((deadline_checked + 1))
  fi
  # The driver's attempt goes on with the text the kiosk restored (durable: it was read
  # back from the disk).
  if [ "$att" != 0 ]; then
    segs=$((segs + 1))
    seg=$segs
    model=$seg_model
  else
    seg=0
    model=
  fi
  L_kind[0]=start L_text[0]=$model L_seg[0]=$seg
  if [ -n "$model" ]; then emit other "expect text ${model##* }"; fi
  if [ "$prev_clock" -gt "${T_clock[0]}" ]; then
    emit other "wait $((prev_clock - T_clock[0]))"
  fi
  plan_from "$screen" 3000

  if [ "$quits" = 1 ]; then
    # The plan ends the exam: no kill this run; the program must quit cleanly.
    rc=0
    wait "$kiosk_pid" || rc=$?
    kiosk_pid=
    exec 3>&-
    [ "$rc" = 0 ] || { cat "$out" >&2; fail "run $runs: the closing run exited $rc"; }
    verify
    exams_closed=$((exams_closed + 1))
    new_exam
    prev_att=0 prev_clock=0
    continue
  fi

  rnd 100 1600
  delay=$R
  sleep "$((delay / 1000)).$(printf %03d $((delay % 1000)))"
  if ! kill -0 "$kiosk_pid" 2>/dev/null; then
    rc=0
    wait "$kiosk_pid" || rc=$?
    cat "$out" >&2
    fail "run $runs: the kiosk ended (exit $rc) before the kill"
  fi
  kill -KILL "$kiosk_pid"
  now_ms
  kill_ms=$NOW
  { wait "$kiosk_pid"; } 2>/dev/null || true
  kiosk_pid=
  exec 3>&-
  kills=$((kills + 1))

  # The database after the kill.
  ic=$(sqlite3 "$data/bilet.db" "PRAGMA integrity_check")
  [ "$ic" = ok ] || fail "kill $kills: integrity_check: $ic"
  db_made=1
  verify

  read_trace
  [ "$trace_last" -ge 0 ] || fail "kill $kills: no trace"
  last=$trace_last
  prev_att=${T_att[$last]}
  prev_period=${T_period[$last]}
  prev_deadline=${T_deadline[$last]}
  prev_clock=${T_clock[$last]}
  prev_text=
  if [ "$prev_att" != 0 ] && [ "${L_seg[$last]:-0}" != 0 ]; then
    # The attempt that was running: its text on disk against what the script typed.
    s=${L_seg[$last]}
    prev_text=$(db_answer "$prev_att")
    safe=
    full=
    typed_last=
    for ((i = 0; i <= ln; i++)); do
      [ "${L_seg[$i]}" = "$s" ] || continue
      full=${L_text[$i]}
      if [ "$i" -le "$last" ]; then
        typed_last=${L_text[$i]}
        if [ "$i" = 0 ] || { [ "${L_kind[$i]}" = hold ] &&
          [ "${T_ms[$i]}" -le $((kill_ms - 1000)) ]; }; then
          safe=${L_text[$i]} # restored from disk, or held long enough to be saved
        fi
      fi
    done
    [[ "$prev_text" == "$safe"* ]] ||
      fail "kill $kills: attempt $prev_att lost text typed over 1 s before the kill: saved
'$prev_text', typed by then '$safe'"
    [[ "$full" == "$prev_text"* ]] ||
      fail "kill $kills: attempt $prev_att holds text that was never typed: '$prev_text' (typed: '$full')"
    durable_checked=$((durable_checked + 1))
    kills_typing=$((kills_typing + 1))
    typed_total=$((typed_total + ${#typed_last}))
    if [ "${#typed_last}" -gt "${#prev_text}" ]; then
      lost=$((${#typed_last} - ${#prev_text}))
      lost_kills=$((lost_kills + 1))
      [ "$lost" -le "$bytes_lost_max" ] || bytes_lost_max=$lost
      # The age of the oldest keystroke lost: when the first line beyond the saved text ran.
      for ((i = 0; i <= last; i++)); do
        if [ "${L_seg[$i]}" = "$s" ] && [ "${#L_text[$i]}" -gt "${#prev_text}" ]; then
          age=$((kill_ms - T_ms[$i]))
          [ "$age" -le "$age_lost_max" ] || age_lost_max=$age
          break
        fi
      done
    fi
  fi
done

# The end: the last run's attempt resumes and the log still verifies.
verify
now_ms
secs=$(((NOW - started + 500) / 1000))
echo "crash soak: $kills kills survived in $runs runs, ${secs} s (seed $seed)"
echo "  exams closed and restarted: $exams_closed; kills in start-up: $kills_startup; while an answer was being typed: $kills_typing"
echo "  answers checked after a kill: $durable_checked; text typed in them: $typed_total bytes"
echo "  kills that lost unsaved text: $lost_kills; at most $bytes_lost_max bytes, typed at most $age_lost_max ms before the kill"
echo "  deadlines compared across a kill: $deadline_checked; largest change: $([ "$deadline_checked" -gt 0 ] && echo "$deadline_gain_max s" || echo none)"
echo "  slowest start-up after a kill: $start_ms_max ms"
echo "ok [soak crash]"
