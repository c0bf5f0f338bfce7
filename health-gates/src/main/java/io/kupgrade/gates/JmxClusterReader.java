package io.kupgrade.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link ClusterReader} that adds JMX readings ({@link ClusterSnapshot#brokerMetrics()}) to another
 * reader's snapshots, so the JMX gates ({@link JmxGates}) are evaluated on the same poll as the Admin gates.
 * Brokers whose JMX cannot be read are left out of the metrics and named in the notes; the Admin read's
 * {@link ClusterUnreachableException} passes through. Not thread-safe; closes both readers.
 */
public final class JmxClusterReader implements ClusterReader {
    private final ClusterReader delegate;
    private final JmxMetricsReader jmx;

    public JmxClusterReader(ClusterReader delegate, JmxMetricsReader jmx) {
        this.delegate = delegate;
        this.jmx = jmx;
    }

    @Override
    public boolean refreshCachedConfigs() {
        return delegate.refreshCachedConfigs();
    }

    @Override
    public ClusterSnapshot read() {
        ClusterSnapshot snapshot = delegate.read();
        List<String> notes = new ArrayList<>();
        Map<Integer, BrokerMetrics> metrics = jmx.readAll(notes);
        return snapshot.withMetrics(metrics, notes);
    }

    @Override
    public void close() {
        try {
            jmx.close();
        } finally {
            delegate.close();
        }
    }
}
