#!/bin/sh
# version.sh: print the version a build of this checkout is stamped with.
#
#   v0.1.0                                    HEAD is tagged v0.1.0
#   v0.1.0-3-gabc1234                         3 commits after the tag v0.1.0
#   v0.0.0-20261207011500-abc1234def56        no tag reachable: a Go pseudo-version of HEAD
#                                             (its UTC commit time and 12-hex commit)
#
# Changes to tracked files add "-dirty" to a tagged version (git describe's way) and
# "+dirty" to a pseudo-version (the go command's way); untracked files do not count.
set -eu

cd "$(dirname "$0")/.."

if v=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "$v"
	exit 0
fi

when=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
commit=$(git rev-parse --short=12 HEAD)
dirty=
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
	dirty=+dirty
fi
echo "v0.0.0-$when-$commit$dirty"
