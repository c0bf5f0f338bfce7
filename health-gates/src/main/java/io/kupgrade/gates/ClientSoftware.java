package io.kupgrade.gates;

/**
 * Clients connected to a broker, by the software name and version they announce (KIP-511, brokers 2.5+:
 * {@code kafka.server:type=socket-server-metrics,clientSoftwareName=…,clientSoftwareVersion=…} attribute
 * {@code connections}). Pre-2.4 Java clients and clients that do not send ApiVersions v3 report
 * {@code unknown} (reference §2, §4).
 */
public record ClientSoftware(int brokerId, String name, String version, long connections) {
    public static final String UNKNOWN = "unknown";

    public boolean unknown() {
        return UNKNOWN.equals(name) || UNKNOWN.equals(version);
    }

    public String label() {
        return name + "/" + version;
    }
}
