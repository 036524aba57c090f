#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for tests.
#
#   scripts/testpg.sh install     installs Debian's postgresql package if initdb is missing
#   scripts/testpg.sh start DIR   prints one line on stdout, the DSN of database qinqing
#   scripts/testpg.sh stop DIR    stops the cluster and removes DIR (nothing to do if gone)
#
# DIR is the caller's scratch directory (mktemp -d is fine); everything the cluster
# owns lives inside it, so several clusters can run side by side. All chatter goes to
# stderr so that callers can write DSN=$(scripts/testpg.sh start "$dir").
set -eu

# Marks a directory this script created a cluster in, so that stop never removes a
# directory it did not make.
MARK=.qinqing-testpg

die() {
	echo "testpg: $*" >&2
	exit 1
}

usage() {
	echo "usage: $0 install | start DIR | stop DIR" >&2
	exit 2
}

# find_bin sets BIN to the directory holding initdb, pg_ctl, postgres and psql. The PATH
# comes first so that a developer's own build wins; Debian keeps the server binaries
# out of PATH, under one directory per major version, and the newest is taken.
find_bin() {
	local p d
	if p=$(command -v initdb 2>/dev/null); then
		p=$(readlink -f "$p")
		BIN=$(dirname "$p")
		[ -x "$BIN/pg_ctl" ] && [ -x "$BIN/postgres" ] && return 0
	fi
	BIN=
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
		[ -x "$d/initdb" ] && BIN=$d
	done
	[ -n "$BIN" ]
}

install_postgres() {
	[ "$(id -u)" = 0 ] || die "PostgreSQL's initdb is not installed and only root may install it: run 'apt-get install -y postgresql' as root, or put initdb in PATH"
	command -v apt-get >/dev/null 2>&1 || die "initdb not found and there is no apt-get to install PostgreSQL with"
	echo "testpg: initdb not found; installing Debian's postgresql package" >&2
	export DEBIAN_FRONTEND=noninteractive
	# A fresh machine may have no package lists yet.
	apt-get update -q >&2 || true
	apt-get install -y -q -o DPkg::Lock::Timeout=600 postgresql >&2
}

# as_owner runs a command as the cluster's owner. PostgreSQL refuses to run as root, so
# under root the cluster belongs to the postgres account the Debian package creates.
as_owner() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

# free_port asks the kernel for a port nobody listens on. Two runs may still be handed the
# same port before either binds it; start retries with another port when that happens.
free_port() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
		return
	fi
	local p
	while :; do
		p=$(( $(od -An -N2 -tu2 /dev/urandom) % 30000 + 20000 ))
		if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return
		fi
	done
}

start() {
	local dir=$1 data sock port pw try log
	find_bin || install_postgres
	find_bin || die "PostgreSQL was installed but initdb is still not found"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the postgres account (created by Debian's postgresql package)"
	fi

	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[ -z "$(ls -A "$dir")" ] || die "$dir is not empty; give start a new directory"
	touch "$dir/$MARK"
	data=$dir/data
	sock=$dir/sock
	log=$dir/log
	# The socket's full path must fit in sun_path (107 bytes) with its .s.PGSQL.NNNNN name.
	[ ${#sock} -le 90 ] || die "$dir is too long a path for the cluster's unix socket"
	mkdir -p "$sock"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$dir"
		as_owner test -w "$dir" || die "the postgres account cannot write $dir (is a parent directory private to root?)"
	fi
	chmod 700 "$dir"
	cd "$dir"

	# UTF-8 with a real character classification: pg_trgm takes its trigrams only from
	# letters and digits, and under the plain C locale no Chinese character is either, so
	# the appeal search indexes would be empty.
	as_owner "$BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=reject >&2 || die "initdb failed"

	# Trust is fine here: the cluster listens on loopback only, lives for one test run
	# and holds nothing but test data.
	cat >"$data/pg_hba.conf" <<-EOF
		local all all trust
		host all all 127.0.0.1/32 trust
	EOF
	# A throwaway test cluster: durability is worth nothing here, so the settings that pay
	# for it (flushing WAL, full pages after checkpoints) are off to make tests fast. Never
	# copy these to a server that keeps real data.
	cat >>"$data/postgresql.conf" <<-EOF

		# testpg.sh
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$sock'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
		shared_buffers = 64MB
		log_min_messages = warning
	EOF
	[ "$(id -u)" != 0 ] || chown postgres: "$data/pg_hba.conf"

	for try in 1 2 3 4 5 6 7 8; do
		port=$(free_port)
		if as_owner "$BIN/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >&2; then
			break
		fi
		if grep -q 'could not bind\|Address already in use\|could not create any TCP/IP sockets' "$log" 2>/dev/null && [ "$try" -lt 8 ]; then
			echo "testpg: port $port was taken, trying another" >&2
			: >"$log"
			continue
		fi
		tail -n 20 "$log" >&2 || true
		die "the cluster in $data did not start"
	done
	echo "$port" >"$dir/port"

	pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	as_owner "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres >&2 <<-EOF
		CREATE ROLE qinqing LOGIN CREATEDB PASSWORD '$pw';
		CREATE DATABASE qinqing OWNER qinqing;
	EOF
	echo "postgres://qinqing:$pw@127.0.0.1:$port/qinqing?sslmode=disable" | tee "$dir/dsn"
}

stop() {
	local dir=$1
	[ -e "$dir" ] || return 0
	[ -f "$dir/$MARK" ] || die "$dir was not made by $0 start; not removing it"
	if [ -f "$dir/data/postmaster.pid" ]; then
		find_bin || die "cannot find pg_ctl to stop the cluster in $dir"
		(cd "$dir" && as_owner "$BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >&2) || true
	fi
	rm -rf "$dir"
}

case ${1:-} in
install)
	# Only installs (when initdb is missing), so that a caller can do it before others
	# use apt at the same time.
	find_bin || install_postgres
	find_bin || die "PostgreSQL was installed but initdb is still not found"
	;;
start) [ $# -eq 2 ] || usage; start "$2" ;;
stop) [ $# -eq 2 ] || usage; stop "$2" ;;
*) usage ;;
esac
