#!/usr/bin/env bash
# contract-gate.sh: fail when an OpenAPI spec breaks clients of its released baseline.
#
#   scripts/contract-gate.sh                  openapi/baseline/csms.yaml -> openapi/csms.yaml
#                                             openapi/baseline/iam.yaml  -> openapi/iam.yaml
#   scripts/contract-gate.sh BASE NEW [BASE NEW ...]
#                                             each BASE -> NEW pair (paths relative to the
#                                             caller's directory)
#
# Each pair runs `oasdiff breaking BASE NEW --fail-on ERR --flatten-params`: ERR-level
# changes (ones that break existing clients) fail the gate; WARN-level changes are reported
# but pass. --flatten-params is needed: our specs declare project_id and secret_name once per
# path item, and without it oasdiff does not check path-level parameters at all.
# openapi/baseline/severity-levels.txt raises pattern changes, which oasdiff ranks as warnings
# because it cannot tell a stricter regex from a looser one, to errors: our constraints lean
# on patterns, so changing one needs a deliberate baseline release.
#
# Exit status: 0 no breaking change, 1 at least one breaking change, 2 usage or tool error
# (a spec that does not load, no Go toolchain, ...).
#
# oasdiff is pinned to OASDIFF_VERSION below and installed from the Go module proxy on first
# use into .tmp/tools/ (git-ignored), or into $CONTRACT_GATE_TOOLS when set. It is not a
# dependency of csmskit's go.mod. `go run pkg@version` would work too but reports every
# non-zero exit as 1, so "breaking" could not be told from "spec failed to load".
set -euo pipefail

readonly OASDIFF_MODULE=github.com/oasdiff/oasdiff
readonly OASDIFF_VERSION=v1.37.0

usage() {
	sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

if [[ $# -eq 1 && ($1 == -h || $1 == --help) ]]; then
	usage
	exit 0
fi
if (($# % 2 != 0)); then
	echo "contract-gate: expected BASE NEW pairs, got $# argument(s)" >&2
	usage >&2
	exit 2
fi

# Resolve the caller's paths before moving to the repository root.
pairs=()
for arg in "$@"; do
	if [[ $arg == /* ]]; then pairs+=("$arg"); else pairs+=("$PWD/$arg"); fi
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

if (($# == 0)); then
	pairs=(
		openapi/baseline/csms.yaml openapi/csms.yaml
		openapi/baseline/iam.yaml openapi/iam.yaml
	)
fi

# Shows a path relative to the repository root when it lies inside it.
show() {
	local p=$1
	case $p in "$root"/*) p=${p#"$root"/} ;; esac
	printf '%s' "$p"
}

if ! command -v go >/dev/null 2>&1; then
	echo "contract-gate: the Go toolchain is needed to install oasdiff" >&2
	exit 2
fi

tools=${CONTRACT_GATE_TOOLS:-$root/.tmp/tools}/oasdiff-$OASDIFF_VERSION
bin=$tools/oasdiff

# Prints the module version recorded in the binary's build info ("" when unreadable).
built_version() {
	go version -m "$1" 2>/dev/null | awk -v m="$OASDIFF_MODULE" '$1 == "mod" && $2 == m { print $3 }'
}

if [[ ! -x $bin || "$(built_version "$bin")" != "$OASDIFF_VERSION" ]]; then
	echo "contract-gate: installing $OASDIFF_MODULE@$OASDIFF_VERSION into $(show "$tools") (once)" >&2
	mkdir -p "$tools"
	stage=$(mktemp -d "$tools/.install.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	# @version installs ignore csmskit's go.mod; the build comes from the module proxy.
	if ! GOBIN=$stage go install "$OASDIFF_MODULE@$OASDIFF_VERSION"; then
		echo "contract-gate: could not install $OASDIFF_MODULE@$OASDIFF_VERSION" >&2
		exit 2
	fi
	mv -f "$stage/oasdiff" "$bin" # atomic: concurrent runs never see a half-written binary
	rm -rf "$stage"
	trap - EXIT
fi

info=$(go version -m "$bin" | awk -v m="$OASDIFF_MODULE" '
	NR == 1 { gover = $2 }
	$1 == "mod" && $2 == m { print $2 "@" $3 " " $4 " (built with " gover ")" }')
echo "contract-gate: oasdiff $info"

failed=0
broken=0
for ((i = 0; i < ${#pairs[@]}; i += 2)); do
	base=${pairs[i]}
	new=${pairs[i + 1]}
	echo
	echo "== $(show "$base") -> $(show "$new")"
	rc=0
	"$bin" breaking "$base" "$new" --fail-on ERR --flatten-params \
		--severity-levels "$root/openapi/baseline/severity-levels.txt" --format text || rc=$?
	case $rc in
	0) echo "-- OK: no breaking change" ;;
	1)
		echo "-- BREAKING: clients of $(show "$base") would break"
		broken=$((broken + 1))
		;;
	*)
		echo "-- ERROR: oasdiff exited with status $rc" >&2
		failed=1
		;;
	esac
done

echo
npairs=$((${#pairs[@]} / 2))
if ((failed)); then
	echo "contract-gate: ERROR: oasdiff could not compare every spec (see above)" >&2
	exit 2
fi
if ((broken)); then
	cat >&2 <<EOF
contract-gate: FAIL: $broken of $npairs spec(s) have breaking changes.
  If the break is deliberate, release a new baseline in the same change that documents it:
  copy the spec over openapi/baseline/ (see openapi/baseline/README.md).
EOF
	exit 1
fi
echo "contract-gate: PASS: $npairs spec(s), no breaking change"
