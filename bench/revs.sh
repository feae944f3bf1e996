# Sourced by the A/B scripts (bench/*/ab.sh, bench/socket/methods_ab.sh):
# unpack_revs REV_A REV_B makes a temporary folder $TMP, removed at exit,
# holding each revision's tree in $TMP/A and $TMP/B.
unpack_revs() {
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  local side rev
  for side in A B; do
    if [ "$side" = A ]; then rev=$1; else rev=$2; fi
    mkdir "$TMP/$side"
    git archive "$rev" | tar -x -C "$TMP/$side"
  done
}
