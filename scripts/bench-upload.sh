#!/usr/bin/env bash
# bench-upload.sh: the reproducible evidence-upload measurement of BENCHMARKS.md section 2.
#
# Builds zhicheng and zhicheng-load into a temporary directory, starts `zhicheng serve --demo`
# on a free loopback port with a temporary data directory (SQLite, evidence files under
# data/blobs), waits for /healthz, then runs zhicheng-load in upload mode: it registers
# applicants in applicant1's unit, each starts a draft on the open demo plan, and workers
# upload 2 MiB JPEGs into a multi-file slot (a fresh draft every 50 files), at each
# concurrency level; after each level it writes as many 2 MiB files durably (fsync + rename)
# into a directory next to the data directory as the disk baseline. Stops the server and
# prints the Markdown results. About 2 minutes with the defaults on 2 CPUs; it writes about
# 4 GiB of evidence into the temporary directory, removed at the end.
#
# Environment (all optional):
#   ZHICHENG_DATABASE  postgres://… to keep the database on PostgreSQL (evidence files stay in
#                      the temporary data directory); the database should be fresh so the demo
#                      loads.
#   ZHICHENG_KEY       personal-data key for PostgreSQL (64 hex); generated if unset.
#   BENCH_LEVELS="1 4 16 32"                          concurrency levels
#   BENCH_N=160 BENCH_ROUNDS=3                        uploads measured per level and round; rounds
#   BENCH_D=30s                                       time limit of each level's uploads
#   BENCH_DRAFT_FILES=50                              files per draft before the next draft
#   BENCH_SIZE=2097152                                bytes per file
#   BENCH_PIXELS=64x64                                the JPEG's picture (the rest is padding);
#                      2480x3508 is an A4 page scanned at 300 dpi, which the server decodes
#   BENCH_OUT=file     also write the results there
bench=bench-upload
source "$(dirname "$0")/bench-lib.sh"
bench_init

levels=${BENCH_LEVELS:-1 4 16 32}
n=${BENCH_N:-160}
d=${BENCH_D:-30s}
rounds=${BENCH_ROUNDS:-3}
draft_files=${BENCH_DRAFT_FILES:-50}
size=${BENCH_SIZE:-2097152}
pixels=${BENCH_PIXELS:-64x64}

bench_build zhicheng zhicheng-load
bench_start

# The disk baseline writes next to the data directory: the same filesystem as data/blobs.
mkdir -p "$tmp/disk"
fs=$(df -T "$tmp/data" | awk 'NR==2 {print $2 " on " $1}')
bench_machine "data directory on $fs"
lines_before=$(wc -l <"$log")
"$tmp/zhicheng-load" -url "$url" -login applicant1 -password 'Demo@2026' \
	-upload-slot auto -upload-size "$size" -upload-pixels "$pixels" -upload-c "${levels// /,}" -disk-dir "$tmp/disk" \
	-upload-n "$n" -upload-draft-files "$draft_files" -d "$d" -rounds "$rounds" >>"$results"
{
	echo
	echo "Server log: $(($(wc -l <"$log") - lines_before)) lines written during this run; $(grep -c 'level=ERROR' "$log" || true) at level ERROR, $(grep -c 'level=WARN' "$log" || true) at level WARN."
	echo "Evidence stored: $(find "$tmp/data/blobs" -type f -not -path "$tmp/data/blobs/tmp/*" | wc -l) files, $(du -sh "$tmp/data/blobs" | cut -f1); database $(du -ch "$tmp/data"/zhicheng.db* 2>/dev/null | tail -n 1 | cut -f1)."
} >>"$results"

bench_finish
