package org.vigil.local;

/**
 * The figures of one benchmark run that its summary line carries: the job's sustained events per second, the alert
 * latency percentiles, the two same-run baselines and the correctness check.
 */
public record BenchReport(long eps, long p50Millis, long p95Millis, long p99Millis, long rawEps, long esperEps,
                          int missed, int duplicated) {

    /** The last line {@code bin/vigil bench} prints; latencies are -1 when no attack completed in the window. */
    public String summaryLine() {
        return "bench eps=" + eps + " p50_ms=" + p50Millis + " p95_ms=" + p95Millis + " p99_ms=" + p99Millis
                + " raw_eps=" + rawEps + " esper_eps=" + esperEps + " missed=" + missed + " duplicated=" + duplicated;
    }
}
