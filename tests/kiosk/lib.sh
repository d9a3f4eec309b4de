# tests/kiosk/lib.sh — what the kiosk's shell tests share: a scratch folder with copies of
# the demo exams (a fresh code.key for the written one; nothing is written into the
# repository), a kiosk.ini pointing into it, and helpers to run the kiosk headless and to
# query the signed log through `bilet verify` and `bilet results`.
# Sourced with $flow (the test's name for messages), $BILET_BIN and $BILET_SRC set.
bin=${BILET_BIN:?}
src=${BILET_SRC:?}
kiosk=$bin/bilet-kiosk
bilet=$bin/bilet
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
data=$scratch/data

fail() { echo "FAIL [kiosk $flow]: $*" >&2; exit 1; }

setup() {
  cp -R "$src/config/demo" "$src/config/demo-oral" "$scratch/"
  rm -f "$scratch/demo/code.key" "$scratch/demo-oral/code.key"
  "$bilet" check --exam "$scratch/demo" --policies "$src/config/policies" --new-secret >/dev/null
  sed -e "s|^data = .*|data = $data|" \
      -e "s|^policies = .*|policies = $src/config/policies|" \
      "$src/config/kiosk.ini" >"$scratch/kiosk.ini"
}

# The exam a script asks for: its `# exam: NAME` line, else demo.
exam_of() {
  local name
  name=$(sed -n 's/^# exam: *\([a-z-]*\).*/\1/p' "$1" | head -n 1)
  echo "${name:-demo}"
}

# run_kiosk SCRIPT [EXPECTED_EXIT] — runs the kiosk headless in the scratch folder.
run_kiosk() {
  local script=$1 want=${2:-0} rc=0 exam
  exam=$(exam_of "$script")
  (cd "$scratch" && "$kiosk" --config "$scratch/kiosk.ini" --exam "$scratch/$exam" \
      --headless --script "$script") >"$scratch/kiosk.out" 2>&1 || rc=$?
  if [ "$rc" -ne "$want" ]; then
    cat "$scratch/kiosk.out" >&2
    fail "bilet-kiosk exited $rc, expected $want"
  fi
}

verify() {
  local out
  out=$("$bilet" verify --data "$data" 2>&1) || fail "bilet verify: $out"
}

# results_sql SQL — runs SQL over `bilet results` loaded as table r (sqlite3 reads the CSV).
results_sql() {
  "$bilet" results --data "$data" >"$scratch/results.csv" || fail "bilet results failed"
  rm -f "$scratch/results.db"
  sqlite3 -batch -noheader -separator '|' "$scratch/results.db" \
    ".import --csv $scratch/results.csv r" "$1"
}

# expect_row RECORD_BOOK 'col=value|col=value...' — the attempt's row has these values.
expect_row() {
  local rb=$1 spec=$2 cols want got
  cols=$(sed -e "s/=[^|]*//g" -e "s/|/ || '|' || /g" <<<"$spec")
  want=$(sed -e "s/[a-z_]*=//g" <<<"$spec")
  got=$(results_sql "SELECT $cols FROM r WHERE record_book = '$rb'")
  [ "$got" = "$want" ] || {
    cat "$scratch/results.csv" >&2
    fail "results for $rb: got '$got', expected '$want' ($spec)"
  }
}

count_rows() {
  results_sql "SELECT count(*) FROM r"
}

