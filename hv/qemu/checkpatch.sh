#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run QEMU's own scripts/checkpatch.pl (from Debian's unpacked QEMU tree,
# PRISTINE) over every patch of hv/qemu/patches/series, in order.
#
#   hv/qemu/checkpatch.sh PRISTINE
#
# Prints one line per patch with its error and warning counts, each warning
# and error in short form, then the totals. Exit status 1 when any patch has
# an error (warnings are reported, listed in docs/qemu-device.md, and pass).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# = 1 ] || { echo "usage: $0 PRISTINE" >&2; exit 2; }
PRISTINE=$1
CP=$PRISTINE/scripts/checkpatch.pl
[ -f "$CP" ] || { echo "checkpatch: error: no $CP" >&2; exit 2; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
errors=0
warnings=0
n=0
for p in $(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$HERE/patches/series"); do
	# checkpatch.pl looks for the QEMU tree in the working directory; its
	# exit status is 1 on warnings too, so the totals line decides.
	(cd "$PRISTINE" && perl scripts/checkpatch.pl --no-color "$HERE/patches/$p") > "$out" 2>&1 || true
	t=$(grep '^total: ' "$out" || true)
	[ -n "$t" ] || { cat "$out"; echo "checkpatch: error: no totals for $p" >&2; exit 2; }
	e=$(echo "$t" | sed 's/^total: \([0-9]*\) errors.*/\1/')
	w=$(echo "$t" | sed 's/.* \([0-9]*\) warnings.*/\1/')
	printf '  %-50s %s errors, %s warnings\n' "$p" "$e" "$w"
	# each finding with its FILE: line, indented
	# each finding with its place (at most 40 a patch)
	awk '/^(ERROR|WARNING): /{msg=$0; next}
	     msg != "" && /^#[0-9]+: FILE: /{sub(/^#[0-9]+: FILE: /, ""); sub(/:$/, "")
		if (++n <= 40) print "      " $0 ": " msg; msg=""; next}
	     msg != "" && /^#[0-9]+:/{if (++n <= 40) print "      (patch) " msg; msg=""}
	     END {if (n > 40) print "      ... and " n - 40 " more"}' "$out"
	errors=$((errors + e))
	warnings=$((warnings + w))
	n=$((n + 1))
done
echo "checkpatch: $n patches, $errors errors, $warnings warnings"
if [ "$errors" != 0 ]; then
	echo "checkpatch: the series has errors: fix the sources (make format for layout), then make qemu-patches" >&2
	exit 1
fi
