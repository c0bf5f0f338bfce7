package io.kupgrade.gates;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/** Reads the configs lint needs. {@link AdminClusterReader} implements it. */
public interface ConfigReader {
    /** Per topic, the lint-relevant configs as of the last read (see {@link AdminClusterReader#topicConfigs()}). */
    Map<String, Map<String, String>> topicConfigs();

    /**
     * Per broker, the named configs that are set (non-default).
     *
     * @throws ClusterUnreachableException when they cannot be read
     */
    Map<Integer, Map<String, String>> brokerConfigs(Collection<Integer> brokerIds, Set<String> names);
}
