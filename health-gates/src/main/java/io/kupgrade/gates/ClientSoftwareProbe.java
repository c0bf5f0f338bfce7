package io.kupgrade.gates;

import java.util.List;
import java.util.Optional;

/** Lists the client software connected to the brokers (KIP-511), e.g. over JMX. */
public interface ClientSoftwareProbe {
    /** The clients seen, or empty when they could not be read (no JMX, brokers older than 2.5). */
    Optional<List<ClientSoftware>> connectedClients();
}
