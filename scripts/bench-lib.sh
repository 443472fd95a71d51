# bench-lib.sh: what the benchmark scripts share — a temporary directory removed on exit,
# the build, the personal-data key for PostgreSQL, starting `zhicheng serve --demo` on a free
# loopback port and waiting for /healthz, stopping it, and the results file. Sourced by
# scripts/bench-*.sh after they set `bench` to their name; not run on its own.
#
# After bench_init: $tmp (removed on exit), $engine (SQLite or PostgreSQL), $results (the
# Markdown being written). After bench_start: $url, $log, $server_pid.

bench_init() {
	set -euo pipefail
	cd "$(dirname "${BASH_SOURCE[0]}")/.."
	export PATH="$PATH:/usr/local/go/bin"
	command -v curl >/dev/null || { echo "$bench: curl is needed" >&2; exit 1; }

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhicheng-bench.XXXXXX")
	server_pid=
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	results="$tmp/results.md"
	log="$tmp/server.log"

	engine=SQLite
	if [[ -n ${ZHICHENG_DATABASE:-} ]]; then
		engine=PostgreSQL
		if [[ -z ${ZHICHENG_KEY:-} ]]; then
			if command -v openssl >/dev/null; then
				ZHICHENG_KEY=$(openssl rand -hex 32)
			else
				ZHICHENG_KEY=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
			fi
			export ZHICHENG_KEY
		fi
	fi
}

bench_cleanup() {
	bench_stop
	rm -rf "$tmp"
}

# bench_build CMD...: builds ./cmd/CMD into $tmp/CMD for each.
bench_build() {
	echo "$bench: building into $tmp" >&2
	for cmd in "$@"; do
		go build -o "$tmp/$cmd" "./cmd/$cmd"
	done
}

# bench_start: serves the demo from $tmp/data. Port 0: the kernel picks a free port, and the
# server logs the address it got. Evidence goes to the default <data>/blobs: ZHICHENG_BLOBS
# is unset so that an S3 setting does not apply, like the other settings a shell may carry.
bench_start() {
	env -u ZHICHENG_METRICS_TOKEN -u ZHICHENG_BASE_URL -u ZHICHENG_ADDR -u ZHICHENG_BLOBS \
		"$tmp/zhicheng" serve --demo --addr 127.0.0.1:0 --data "$tmp/data" >"$log" 2>&1 &
	server_pid=$!
	url=
	for _ in $(seq 1 150); do
		kill -0 "$server_pid" 2>/dev/null || { echo "$bench: server exited:" >&2; cat "$log" >&2; exit 1; }
		url=$(grep -o 'url=http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 | cut -d= -f2 || true)
		if [[ -n $url ]] && curl -fsS -o /dev/null "$url/healthz"; then
			break
		fi
		url=
		sleep 0.2
	done
	[[ -n $url ]] || { echo "$bench: server did not become healthy in 30 s:" >&2; cat "$log" >&2; exit 1; }
	echo "$bench: server at $url ($engine)" >&2
}

# bench_stop: stops the server, if it runs.
bench_stop() {
	if [[ -n ${server_pid:-} ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	server_pid=
}

# bench_machine [EXTRA]: the results' first line: the machine, Go, the time and the engine.
bench_machine() {
	{
		echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(go version | cut -d' ' -f3-), $(date -u '+%Y-%m-%d %H:%M UTC'), database $engine${1:+, $1}."
		echo
	} >"$results"
}

# bench_finish: stops the server, prints the results and copies them to $BENCH_OUT if set.
bench_finish() {
	bench_stop
	echo "$bench: server log $(wc -c <"$log") bytes in $(wc -l <"$log") lines" >&2
	cat "$results"
	if [[ -n ${BENCH_OUT:-} ]]; then
		cp "$results" "$BENCH_OUT"
	fi
}
