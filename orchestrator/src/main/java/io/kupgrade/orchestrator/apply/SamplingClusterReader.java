package io.kupgrade.orchestrator.apply;

import io.kupgrade.gates.ClusterReader;
import io.kupgrade.gates.ClusterSnapshot;
import io.kupgrade.orchestrator.journal.UrpLog;

/**
 * A {@link ClusterReader} that records every snapshot's under-replicated and offline partition counts in a
 * {@link UrpLog} (at most one sample a second), so {@code kupgrade report} can draw URP over a roll. URP is
 * computed from ISR vs replicas over all partitions, as the gates do (real-kafka-notes "Traps"). Does not own
 * the reader it wraps: {@link #close()} does nothing. Not thread-safe beyond what the wrapped reader is.
 */
final class SamplingClusterReader implements ClusterReader {
    private final ClusterReader reader;
    private final UrpLog log;

    SamplingClusterReader(ClusterReader reader, UrpLog log) {
        this.reader = reader;
        this.log = log;
    }

    @Override
    public boolean refreshCachedConfigs() {
        return reader.refreshCachedConfigs();
    }

    @Override
    public ClusterSnapshot read() {
        ClusterSnapshot s = reader.read();
        int urp = 0;
        int offline = 0;
        for (ClusterSnapshot.PartitionState p : s.partitions()) {
            if (p.isr().length < p.replicas().length) {
                urp++;
            }
            if (p.offline()) {
                offline++;
            }
        }
        log.record(s.readAt(), urp, offline);
        return s;
    }

    @Override
    public void close() {
        // the wrapped reader belongs to the caller
    }
}
