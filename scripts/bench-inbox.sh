#!/usr/bin/env bash
# bench-inbox.sh: the reviewers' lists with many applications (BENCHMARKS.md section 3).
#
# Builds zhicheng, zhicheng-load and zhicheng-seed into a temporary directory, starts
# `zhicheng serve --demo` once on a temporary data directory so that the demo loads, stops
# it, inserts BENCH_N applications with zhicheng-seed, starts the server again and loads it
# as energy_handler (the unit inbox /review/unit against /static/app.css) and as gzw_handler
# (the department list /review/dept) and as office_handler (the office list /review/office),
# each against /static/app.css, then prints the Markdown.
#
# Environment (all optional):
#   ZHICHENG_DATABASE  postgres://… to measure on PostgreSQL; a freshly created database.
#   ZHICHENG_KEY       personal-data key for PostgreSQL (64 hex); generated if unset.
#   BENCH_N=100000     applications to seed
#   BENCH_C=16 BENCH_D=4s BENCH_WARMUP=1s BENCH_ROUNDS=3   load tool settings
#   BENCH_OUT=file     also write the results there
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

c=${BENCH_C:-16}
d=${BENCH_D:-4s}
warmup=${BENCH_WARMUP:-1s}
rounds=${BENCH_ROUNDS:-3}
n=${BENCH_N:-100000}
password='Demo@2026'

command -v curl >/dev/null || { echo "bench-inbox: curl is needed" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/zhicheng-bench.XXXXXX")
server_pid=
cleanup() {
	if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "bench-inbox: building into $tmp" >&2
go build -o "$tmp/zhicheng" ./cmd/zhicheng
go build -o "$tmp/zhicheng-load" ./cmd/zhicheng-load
go build -o "$tmp/zhicheng-seed" ./cmd/zhicheng-seed

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

log="$tmp/server.log"
start_server() {
	# Port 0: the kernel picks a free port, and the server logs the address it got.
	env -u ZHICHENG_METRICS_TOKEN -u ZHICHENG_BASE_URL -u ZHICHENG_ADDR \
		"$tmp/zhicheng" serve --demo --addr 127.0.0.1:0 --data "$tmp/data" >"$log" 2>&1 &
	server_pid=$!

	url=
	for _ in $(seq 1 150); do
		kill -0 "$server_pid" 2>/dev/null || { echo "bench-inbox: server exited:" >&2; cat "$log" >&2; exit 1; }
		url=$(grep -o 'url=http://127\.0\.0\.1:[0-9]*' "$log" | head -n 1 | cut -d= -f2 || true)
		if [[ -n $url ]] && curl -fsS -o /dev/null "$url/healthz"; then
			break
		fi
		url=
		sleep 0.2
	done
	[[ -n $url ]] || { echo "bench-inbox: server did not become healthy in 30 s:" >&2; cat "$log" >&2; exit 1; }
	echo "bench-inbox: server at $url ($engine)" >&2

}

start_server
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=
echo "bench-inbox: seeding $n applications" >&2
seed_out=$("$tmp/zhicheng-seed" --data "$tmp/data" -n "$n")
echo "$seed_out" >&2
start_server

results="$tmp/results.md"
{
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(go version | cut -d' ' -f3-), $(date -u '+%Y-%m-%d %H:%M UTC'), database $engine."
	echo
} >"$results"
{
	echo "Seeded with: zhicheng-seed --data DIR -n $n ($seed_out)"
	echo
} >>"$results"
for spec in energy_handler:/review/unit gzw_handler:/review/dept office_handler:/review/office; do
	user=${spec%%:*}
	targets=/static/app.css,${spec#*:}
	echo "bench-inbox: loading as $user: $targets" >&2
	lines_before=$(wc -l <"$log")
	{
		echo "### $user ($engine)"
		echo
		"$tmp/zhicheng-load" -url "$url" -login "$user" -password "$password" -c "$c" -d "$d" -warmup "$warmup" \
			-rounds "$rounds" -targets "$targets" -baseline /static/app.css
		echo
		echo "Server log: $(($(wc -l <"$log") - lines_before)) lines written during this run."
		echo
	} >>"$results"
done

kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
echo "bench-inbox: server log $(wc -c <"$log") bytes in $(wc -l <"$log") lines" >&2

cat "$results"
if [[ -n ${BENCH_OUT:-} ]]; then
	cp "$results" "$BENCH_OUT"
fi
