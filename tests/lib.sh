# lib.sh - shared by the end-to-end shell tests (sourced, not run).  Gives a scratch
# directory $T (removed on exit), ok/bad/check that print TAP-like lines and count them,
# and finish, which prints "N passed, M failed" (the line CI reads) and sets the status.
T=$(mktemp -d)
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
finish() {
  echo "$pass passed, $fail failed"
  [ "$fail" -eq 0 ]
}
