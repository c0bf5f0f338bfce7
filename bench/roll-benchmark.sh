#!/usr/bin/env bash
# Rolling-restart benchmark on a sandbox cluster (issue 7): a 6-broker, 3-rack KRaft cluster (Kafka 4.1.2, one
# dedicated controller, RF 3 rack-aware topics, min.insync.replicas 2) under acks=all load is rolled twice by
# kupgrade, sequentially (maxParallel 1) then in parallel (maxParallel 3, rack-aware), while a watcher polls
# the cluster every 100 ms. Prints, per roll: wall time, the brokers' inherent time (stop -> exit, start ->
# healthy), kupgrade's overhead (wall minus inherent) and its reaction to "healthy"; then the parallel /
# sequential ratio and the three targets of issue 7 (ratio <= 0.6, overhead <= 5 %, reaction <= 1 s), each
# "met" or "NOT met". The figures are a benchmark: the script fails only when ParallelRollIT's assertions do
# (zero loss, canStop never violated, real rack batches, a failing batch member leaving no mate down).
#
# Usage: bench/roll-benchmark.sh [MAVEN OPTIONS]   (from the repository root; needs the Maven repository warm:
#        -o), e.g. bench/roll-benchmark.sh -Dbench.pollInterval=100ms to poll the gates every 100 ms, or
#        -Dbench.stablePolls=1 to pass the gates on one clean poll instead of two, or -Dbench.rounds=3 to
#        roll three times each way on the same sandbox and judge the targets on the medians
# Re-runnable: every run starts its own sandbox in a temporary directory and stops it at the end.
# Figures are also written to orchestrator/target/roll-benchmark.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -t roll-benchmark.XXXXXX.log)
status=0
mvn -B -o -pl orchestrator -am verify -Dit.test=ParallelRollIT -Dtest=none \
    -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false "$@" >"$log" 2>&1 || status=$?
grep -E '^(bench:|load:|watcher:|parallel batches:|kraft .* up in)' "$log" || true
if [ "$status" -ne 0 ]; then
    grep -E 'Tests run:|FAIL|AssertionFailed|expected' "$log" | head -20 >&2 || true
    echo "benchmark failed (exit $status); full log: $log" >&2
    exit "$status"
fi
echo "full log: $log"
