#!/usr/bin/env bash
# Runs a command with the tests pointed at PostgreSQL: at the server QINQING_TEST_PG names
# (a database URL whose role may create databases), or, when it is unset, at a throwaway
# cluster started for the command and removed after it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${QINQING_TEST_PG:-}" ]; then
	dir=$(mktemp -d /tmp/qinqing-testpg.XXXXXX)
	trap 'scripts/testpg.sh stop "$dir" >&2' EXIT
	QINQING_TEST_PG=$(scripts/testpg.sh start "$dir")
	export QINQING_TEST_PG
fi
export QINQING_TEST_ENGINE=postgres
"$@"
