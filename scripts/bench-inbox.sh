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
bench=bench-inbox
source "$(dirname "$0")/bench-lib.sh"
bench_init

c=${BENCH_C:-16}
d=${BENCH_D:-4s}
warmup=${BENCH_WARMUP:-1s}
rounds=${BENCH_ROUNDS:-3}
n=${BENCH_N:-100000}
password='Demo@2026'

bench_build zhicheng zhicheng-load zhicheng-seed

# Once so that the demo loads, then stopped for the seeding, then again for the load.
bench_start
bench_stop
echo "bench-inbox: seeding $n applications" >&2
seed_out=$("$tmp/zhicheng-seed" --data "$tmp/data" -n "$n")
echo "$seed_out" >&2
bench_start

bench_machine
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

bench_finish
