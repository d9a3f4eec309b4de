#!/usr/bin/env bash
# The kiosk in a real window: Xvfb with openbox (so that Alt+F4 and Alt+Tab mean what they
# mean on a desktop), keys and Cyrillic/Kazakh text typed with xdotool, a screenshot that
# must show the typed text, and a kiosk that stays mapped, in front and running through
# Alt+F4, Alt+Tab, Escape, Ctrl+Q and a window that tries to take the focus. Then the work
# is handed in (its text must be in the signed record), the session closed and the program
# quit by the invigilator.
set -euo pipefail

kiosk="$BILET_BIN/bilet-kiosk"
bilet="$BILET_BIN/bilet"
if [ ! -x "$kiosk" ]; then
  # Only while the program is not built yet; everything else below must work.
  echo "SKIP: $kiosk is not built"
  exit 77
fi

fail() {
  echo "FAIL: $*" >&2
  for f in kiosk.err openbox.log xvfb.log; do
    [ -s "$tmp/$f" ] && { echo "--- $f" >&2; tail -20 "$tmp/$f" >&2; }
  done
  exit 1
}

for tool in Xvfb openbox xdotool wmctrl xwininfo xprop xmessage import convert compare sqlite3; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (script/deps installs it)" >&2; exit 1; }
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[$i]}" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

export LC_ALL=C.UTF-8 # xdotool types the multibyte text it is given in this locale
# Under ASan: a leak inside libdbus (opened by SDL) is not the kiosk's.
export LSAN_OPTIONS="suppressions=$BILET_SRC/tests/x11/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# Xvfb picks a free display itself and writes its number to fd 3.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
pids+=($!)
for _ in $(seq 100); do
  [ -s "$tmp/display" ] && break
  sleep 0.1
done
[ -s "$tmp/display" ] || fail "Xvfb did not start"
export DISPLAY=":$(tr -d '[:space:]' <"$tmp/display")"

openbox --sm-disable >"$tmp/openbox.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  timeout 5 xprop -root _NET_SUPPORTING_WM_CHECK 2>/dev/null | grep -q 'window id' && break
  sleep 0.1
done
timeout 5 xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id' || fail "openbox did not start"

# A data folder and the demo exam with its own code secret.
"$bilet" init --data "$tmp/data" >/dev/null
cp -r "$BILET_SRC/config/demo" "$tmp/demo"
"$bilet" check --exam "$tmp/demo" --new-secret >/dev/null

timeout 240 "$kiosk" --config "$BILET_SRC/config/kiosk.ini" --exam "$tmp/demo" \
  --data "$tmp/data" --lang ru >"$tmp/kiosk.out" 2>"$tmp/kiosk.err" &
kpid=$!
pids+=($kpid)

# By class: xdotool's --name search misses the UTF8_STRING WM_NAME that SDL sets; the name
# is checked with getwindowname instead.
wid=$(timeout 20 xdotool search --sync --onlyvisible --classname '^bilet-kiosk$' | head -1) ||
  fail "no bilet-kiosk window appeared"
timeout 5 xdotool getwindowname "$wid" | grep -q '^bilet' || fail "the window is not named bilet"

alive() { kill -0 "$kpid" 2>/dev/null; }
top_window() { # the top of the window manager's stacking order, as 0x… hex
  timeout 5 xprop -root _NET_CLIENT_LIST_STACKING | sed 's/.*# //' | tr ',' '\n' | tail -1 |
    tr -d ' '
}
in_front() {
  # mapped, the active window, named bilet, and on top of every other window
  timeout 5 xwininfo -id "$wid" | grep -q 'Map State: IsViewable' &&
    [ "$(timeout 5 xdotool getactivewindow 2>/dev/null)" = "$wid" ] &&
    timeout 5 xdotool getactivewindow getwindowname | grep -q '^bilet' &&
    [ "$(top_window)" = "$(printf '0x%x' "$wid")" ]
}
wait_in_front() {
  for _ in $(seq 50); do
    in_front && return 0
    sleep 0.1
  done
  return 1
}
wait_in_front || fail "the kiosk window is not mapped and active"

# Full screen on the display.
geom=$(timeout 5 xwininfo -id "$wid")
grep -q 'Width: 1280' <<<"$geom" && grep -q 'Height: 1024' <<<"$geom" ||
  fail "the window is not full screen: $(grep -E 'Width|Height' <<<"$geom" | tr '\n' ' ')"

key() { timeout 10 xdotool key --delay 80 "$@"; sleep 0.3; }
type_text() { timeout 90 xdotool type --delay 100 "$1"; sleep 0.5; }
shot() { timeout 20 import -window root "$1"; }

# Invigilator: PIN (Argon2id takes a moment), open the session; the student sits.
key F12
type_text 1379
key Return
sleep 2
key F1
sleep 1
type_text 21-0001
key Return
sleep 0.5
key Return # confirm the name
sleep 0.5
key Return # draw the ticket
sleep 1
shot "$tmp/before.png"

answer="Ответ студента. Қазақ тілі әліпбиі ӘҒҚҢӨҰҮҺІ"
type_text "$answer"
sleep 1
shot "$tmp/after.png"

# Not blank: a picture of text has many colours (anti-aliasing); and the typed text changed
# a good part of the screen.
colours=$(convert "$tmp/after.png" -format '%k' info:)
[ "$colours" -gt 50 ] || fail "the screenshot has $colours colours: blank?"
changed=$(compare -metric AE -fuzz 10% "$tmp/before.png" "$tmp/after.png" null: 2>&1 || true)
changed=${changed%% *}
[ "${changed%.*}" -gt 1500 ] || fail "typing changed only $changed pixels of the screen"

# The desktop's ways out are plain keys to a grabbed kiosk.
for combo in alt+F4 alt+Tab Escape ctrl+q super+d; do
  key "$combo"
  alive || fail "the kiosk ended after $combo: $(cat "$tmp/kiosk.err")"
  wait_in_front || fail "the kiosk is not in front after $combo"
done

# A window that maps itself over the kiosk and takes the focus loses it again.
xmessage -geometry 400x200+100+100 -name intruder "I want the focus" &
pids+=($!)
xid=$(timeout 10 xdotool search --sync --onlyvisible --name intruder | head -1) || true
[ -n "${xid:-}" ] || fail "the other window did not appear"
timeout 5 xdotool windowactivate "$xid" 2>/dev/null || true
timeout 5 xdotool windowraise "$xid" 2>/dev/null || true
sleep 1
wait_in_front || fail "the kiosk did not come back to the front over another window"

# Closing the window through the window manager (_NET_CLOSE_WINDOW, as a title bar's close
# button does) is refused while the session is open.
timeout 5 wmctrl -i -c "$wid" || fail "wmctrl could not ask to close the window"
sleep 1
alive || fail "the kiosk closed its window while a session is open"
wait_in_front || fail "the kiosk is not in front after a close request"

# Hand the work in: Ctrl+Enter, Enter. The signed record holds the text as typed.
key ctrl+Return
key Return
for _ in $(seq 100); do
  sqlite3 "$tmp/data/bilet.db" "SELECT bytes FROM records" >"$tmp/records" 2>/dev/null || true
  grep -q '"answer_submitted"' "$tmp/records" && break
  sleep 0.2
done
grep -q '"answer_submitted"' "$tmp/records" || fail "no answer_submitted record"
grep -qF "Қазақ тілі әліпбиі ӘҒҚҢӨҰҮҺІ" "$tmp/records" ||
  fail "the submitted text lacks the Kazakh letters: $(grep answer_submitted "$tmp/records" | head -c 400)"
grep -qF "Ответ студента" "$tmp/records" || fail "the submitted text lacks the Russian words"

# Close the session (F8 → closed), then the invigilator quits (F12, PIN, F8 on a closed
# session): the program ends by itself.
invigilator() {
  key F12
  type_text 1379
  key Return
  sleep 2
}
invigilator
key F8
sleep 1
invigilator
key F8
for _ in $(seq 300); do
  alive || break
  sleep 0.1
done
alive && fail "the kiosk is still running after F8 on the closed screen"
rc=0
wait "$kpid" || rc=$?
[ "$rc" -eq 0 ] || fail "the kiosk exited $rc: $(cat "$tmp/kiosk.err")"

echo "x11 window: ok"
