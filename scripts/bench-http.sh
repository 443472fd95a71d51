#!/usr/bin/env bash
# bench-http.sh: the reproducible HTTP load measurement of BENCHMARKS.md.
#
# Builds zhicheng and zhicheng-load into a temporary directory, starts `zhicheng serve --demo`
# on a free loopback port with a temporary data directory (SQLite), waits for /healthz, loads
# it as applicant1 (the trivial /static/app.css, with and without a session, against the
# authenticated /home) and then as office_admin (whose /home also lists the organisation's
# accounts), stops the server and prints the Markdown results. About 2.5 minutes.
#
# Environment (all optional):
#   ZHICHENG_DATABASE  postgres://… to measure on PostgreSQL instead of SQLite; the database
#                      should be freshly created so that the demo loads.
#   ZHICHENG_KEY       personal-data key for PostgreSQL (64 hex); generated if unset.
#   BENCH_C=16 BENCH_D=4s BENCH_WARMUP=1s BENCH_ROUNDS=5   load tool settings
#   BENCH_USERS="applicant1 office_admin"                   accounts to load as, in order
#   BENCH_OUT=file     also write the results there
bench=bench-http
source "$(dirname "$0")/bench-lib.sh"
bench_init

c=${BENCH_C:-16}
d=${BENCH_D:-4s}
warmup=${BENCH_WARMUP:-1s}
rounds=${BENCH_ROUNDS:-5}
users=${BENCH_USERS:-applicant1 office_admin}
password='Demo@2026'

bench_build zhicheng zhicheng-load
bench_start
bench_machine
for user in $users; do
	targets=/static/app.css,/home
	if [[ $user == applicant1 ]]; then
		targets=anon:/static/app.css,/static/app.css,/home
	fi
	echo "bench-http: loading as $user: $targets" >&2
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
