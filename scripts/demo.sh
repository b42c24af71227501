#!/usr/bin/env bash
# Converts the sample rules in rules/ to every target (npm run demo). A rule a target cannot
# express exactly is reported on stderr, labelled; the demo goes on.
set -u
cd "$(dirname "$0")/.."
status=0
# The targets are the registry's (all but ir, which prints the IR rather than a query).
targets=$(dist/bundle/cli.js list targets | awk '$1 != "ir" { print $1 }') || exit 2
for target in $targets; do
  printf '\n=== %s ===\n' "$target"
  dist/bundle/cli.js convert -t "$target" rules || status=$?
done
# Exit 2 (usage or installation problem) fails the demo; 1 (some rule unsupported) does not.
[ "$status" -ge 2 ] && exit "$status"
exit 0
