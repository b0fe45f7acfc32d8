#!/usr/bin/env bash
# contract-gate-selftest.sh: prove that scripts/contract-gate.sh bites.
#
#   scripts/contract-gate-selftest.sh [SPEC]      (default SPEC: openapi/csms.yaml)
#
# Copies SPEC into a temporary directory, derives mutated copies from it (never touching the
# real files) and runs the gate on each (copy -> mutant) pair. Breaking mutants must fail the
# gate with the oasdiff rule named below (so a spec that fails to load, or an unrelated break,
# cannot pass for a detected one); compatible ones must pass. A mutation that no longer
# applies because the spec's text moved on is a failure: update the mutation here.
#
# Exit status: 0 when every case met its expectation, 1 otherwise.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
spec=${1:-$root/openapi/csms.yaml} # an argument is relative to the caller's directory
if [[ ! -f $spec ]]; then
	echo "contract-gate-selftest: no spec at $spec" >&2
	exit 1
fi
gate=$root/scripts/contract-gate.sh

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$spec" "$work/base.yaml"

# --- mutations: each reads the spec on stdin and writes the mutant on stdout ---------------
# They edit the YAML as text with POSIX awk (no YAML tool needed); `indent` is the number of
# leading spaces, so "the block ends at the next line indented at most N" stays exact.
awk_lib='function indent(s) { match(s, /[^ ]/); return RSTART ? RSTART - 1 : 999 }'

unchanged() { cat; }

# (b) DownloadSecretBlobResponse loses secret_blob from both properties and required.
drop_response_field() {
	awk "$awk_lib"'
	$0 == "    DownloadSecretBlobResponse:" { inb = 1; print; next }
	inb && indent($0) <= 4 { inb = 0 }
	inb && $0 == "      required: [secret_blob]" { next }
	inb && $0 == "      properties:" { print "      properties: {}"; next }
	inb && $0 == "        secret_blob:" { skip = 1; next }
	skip && indent($0) > 8 { next }
	{ skip = 0; print }'
}

# (c) The DeleteSecret operation disappears (its path keeps ShowSecret).
drop_operation() {
	local f
	f=$(mktemp "$work/op.XXXXXX")
	cat >"$f"
	awk "$awk_lib"'
	NR == FNR {
		if ($0 ~ /^    [a-z]+:$/) method = FNR
		if ($0 == "      operationId: DeleteSecret") start = method
		next
	}
	FNR == start { skip = 1; next }
	skip && indent($0) <= 4 { skip = 0 }
	!skip { print }' "$f" "$f"
}

# (d) The SecretName schema (path parameter, marker, request bodies) tightens maxLength 64 -> 32.
tighten_secret_name() {
	awk "$awk_lib"'
	$0 == "    SecretName:" { inb = 1; print; next }
	inb && indent($0) <= 4 { inb = 0 }
	inb && $0 == "      maxLength: 64" { print "      maxLength: 32"; next }
	{ print }'
}

# (f) The ProjectId path parameter, declared only at path-item level, tightens maxLength
# 64 -> 40: guards the gate's --flatten-params, without which oasdiff misses it.
tighten_project_id() {
	awk "$awk_lib"'
	$0 == "    ProjectId:" { inb = 1; print; next }
	inb && indent($0) <= 4 { inb = 0 }
	inb && $0 == "        maxLength: 64" { print "        maxLength: 40"; next }
	{ print }'
}

# (g) The SecretName pattern narrows {1,64} -> {1,32}: oasdiff cannot tell a stricter regex from
# a looser one and ranks pattern changes as warnings; openapi/baseline/severity-levels.txt
# raises them to errors, so any pattern change needs a deliberate baseline release.
narrow_secret_name_pattern() {
	awk "$awk_lib"'
	$0 == "    SecretName:" { inb = 1; print; next }
	inb && indent($0) <= 4 { inb = 0 }
	inb && index($0, "pattern: \"^[a-zA-Z0-9_-]{1,64}$\"") { sub(/\{1,64\}/, "{1,32}"); print; next }
	{ print }'
}

# (e1) DownloadSecretBlobResponse gains an optional property.
add_optional_response_field() {
	awk "$awk_lib"'
	$0 == "    DownloadSecretBlobResponse:" { inb = 1; print; next }
	inb && indent($0) <= 4 { inb = 0 }
	{ print }
	inb && $0 == "      properties:" {
		print "        backup_format:"
		print "          type: string"
		print "          description: Optional; added by the contract-gate self-test."
	}'
}

# (e2) DownloadSecretBlobResponse gains a description.
add_description() {
	awk '
	{ print }
	$0 == "    DownloadSecretBlobResponse:" {
		print "      description: The backup of one secret; added by the contract-gate self-test."
	}'
}

# --- cases ---------------------------------------------------------------------------------
passed=0
failed=0

# check ID EXPECT MUTATION RULE DESCRIPTION
#   EXPECT is pass or fail; RULE is the oasdiff rule id that a fail must report (- for none).
check() {
	local id=$1 expect=$2 mutate=$3 rule=$4 what=$5
	local mutant=$work/$id.yaml out=$work/$id.out rc=0 verdict='' why=''
	"$mutate" <"$work/base.yaml" >"$mutant"
	if [[ $mutate != unchanged ]] && cmp -s "$work/base.yaml" "$mutant"; then
		verdict=FAIL why="the mutation did not apply to $spec (update it in this script)"
	else
		"$gate" "$work/base.yaml" "$mutant" >"$out" 2>&1 || rc=$?
		case $expect:$rc in
		pass:0) verdict=PASS why="gate passed, as expected" ;;
		fail:1)
			if grep -q -- "\[$rule\]" "$out"; then
				verdict=PASS why="gate failed, as expected, with [$rule]"
			else
				verdict=FAIL why="gate failed, but without the expected [$rule]"
			fi
			;;
		pass:*) verdict=FAIL why="gate exited $rc; expected it to pass" ;;
		fail:0) verdict=FAIL why="gate passed; expected it to fail with [$rule]" ;;
		*) verdict=FAIL why="gate exited $rc (tool or load error); expected 1 with [$rule]" ;;
		esac
	fi
	printf '%s (%s) %s: %s\n' "$verdict" "$id" "$what" "$why"
	if [[ $verdict == PASS ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		if [[ -s $out ]]; then sed 's/^/    | /' "$out"; fi
		if [[ -s $mutant ]]; then diff -u "$work/base.yaml" "$mutant" | sed 's/^/    > /' || true; fi
	fi
}

echo "contract-gate-selftest: mutating a copy of ${spec#"$root"/}"
check a pass unchanged - "unchanged spec"
check b fail drop_response_field response-required-property-removed \
	"secret_blob removed from DownloadSecretBlobResponse (properties and required)"
check c fail drop_operation api-removed-without-deprecation "operation DeleteSecret removed"
check d fail tighten_secret_name request-parameter-max-length-decreased \
	"SecretName maxLength 64 -> 32"
check e1 pass add_optional_response_field - "optional response field added"
check e2 pass add_description - "schema description added"
check f fail tighten_project_id request-parameter-max-length-decreased \
	"path-level parameter project_id maxLength 64 -> 40"
check g fail narrow_secret_name_pattern request-parameter-pattern-changed \
	"SecretName pattern {1,64} -> {1,32}"

if ! cmp -s "$spec" "$work/base.yaml"; then
	echo "FAIL: $spec changed while the self-test ran" >&2
	failed=$((failed + 1))
fi

echo "contract-gate-selftest: $passed passed, $failed failed"
((failed == 0))
