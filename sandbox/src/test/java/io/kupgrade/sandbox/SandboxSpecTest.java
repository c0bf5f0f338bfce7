package io.kupgrade.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {

    @Test
    void shouldDefaultToThreeZookeeperBrokersOf381OnThreeRacks() {
        SandboxSpec spec = SandboxSpec.builder().build();

        assertEquals("3.8.1", spec.kafkaVersion());
        assertEquals(3, spec.brokers());
        assertEquals(3, spec.racks());
        assertEquals(SandboxSpec.Mode.ZOOKEEPER, spec.mode());
        assertEquals(256, spec.heapMb());
        assertNull(spec.baseDir());
        assertEquals(Map.of(), spec.brokerProperties());
    }

    @Test
    void shouldUseClassDataSharingAndTheDefaultCacheUnlessTold() {
        SandboxSpec spec = withCdsProperty(null, () -> SandboxSpec.builder().build());

        assertTrue(spec.classDataSharing());
        assertNull(spec.cacheDir());
        assertEquals(KafkaDistribution.defaultCacheDir(), spec.effectiveCacheDir());
        assertFalse(SandboxSpec.builder().classDataSharing(false).build().classDataSharing());
        assertEquals(Path.of("/tmp/c"), SandboxSpec.builder().cacheDir(Path.of("/tmp/c")).build().effectiveCacheDir());
    }

    @Test
    void shouldTurnClassDataSharingOffByDefaultWhenTheSystemPropertySaysFalse() {
        assertFalse(withCdsProperty("false", () -> SandboxSpec.builder().build()).classDataSharing());
        assertTrue(withCdsProperty("false", () -> SandboxSpec.builder().classDataSharing(true).build())
                .classDataSharing());
    }

    /** Builds with the system property {@value SandboxSpec#CDS_PROPERTY} set to {@code value} (null: unset). */
    private static SandboxSpec withCdsProperty(String value, java.util.function.Supplier<SandboxSpec> build) {
        String before = System.getProperty(SandboxSpec.CDS_PROPERTY);
        try {
            if (value == null) {
                System.clearProperty(SandboxSpec.CDS_PROPERTY);
            } else {
                System.setProperty(SandboxSpec.CDS_PROPERTY, value);
            }
            return build.get();
        } finally {
            if (before == null) {
                System.clearProperty(SandboxSpec.CDS_PROPERTY);
            } else {
                System.setProperty(SandboxSpec.CDS_PROPERTY, before);
            }
        }
    }

    @Test
    void shouldListTheCurrentVersionFirstAndEachVersionOnce() {
        SandboxSpec spec = SandboxSpec.builder().kafkaVersion("3.8.1").extraVersions("3.9.2", "3.8.1").build();

        assertEquals(List.of("3.8.1", "3.9.2"), spec.allVersions());
    }

    @Test
    void shouldRefuseKraftBefore33() {
        SandboxSpec.Builder b = SandboxSpec.builder().kafkaVersion("2.8.2").mode(SandboxSpec.Mode.KRAFT);

        assertThrows(IllegalArgumentException.class, b::build);
    }

    @Test
    void shouldRefuseZeroBrokers() {
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.builder().brokers(0).build());
    }

    @Test
    void shouldAllowDedicatedControllersOnlyInKraftMode() {
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.builder().controllers(3).build());
        assertEquals(3, SandboxSpec.builder().mode(SandboxSpec.Mode.KRAFT).kafkaVersion("4.0.2").controllers(3)
                .build().controllers());
    }

    @Test
    void shouldKeepOneZooKeeperServerByDefault() {
        SandboxSpec spec = SandboxSpec.builder().build();

        assertEquals(1, spec.zookeeperServers());
        assertEquals(false, spec.zookeeperEnsemble());
    }

    @Test
    void shouldAllowOnlyOddZooKeeperEnsemblesInZooKeeperMode() {
        assertEquals(3, SandboxSpec.builder().zookeeperEnsemble(3).build().zookeeperServers());
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.builder().zookeeperEnsemble(2).build());
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.builder().zookeeperEnsemble(9).build());
        assertThrows(IllegalArgumentException.class, () -> SandboxSpec.builder().mode(SandboxSpec.Mode.KRAFT)
                .kafkaVersion("4.0.2").zookeeperEnsemble(3).build());
    }
}
