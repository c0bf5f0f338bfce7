package io.kupgrade.sandbox.load;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic written by {@link NumberedLoad} from the beginning to its current end and compares it with the
 * acknowledged sequence numbers. Stateless; thread-safe.
 */
public final class Verifier {

    private Verifier() {
    }

    /** {@link #verify(String, String, BitSet)} with the acknowledged records of {@code produced}. */
    public static Verification verify(String bootstrapServers, String topic, LoadResult produced) {
        return verify(bootstrapServers, topic, produced.acked());
    }

    /**
     * Consumes every partition of {@code topic} up to the end offsets seen at the start.
     *
     * @param acked the acknowledged sequence numbers ({@link LoadResult#acked()})
     * @throws IllegalStateException when the topic cannot be read within two minutes
     */
    public static Verification verify(String bootstrapServers, String topic, BitSet acked) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kupgrade-verifier-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        BitSet seen = new BitSet();
        long duplicated = 0;
        try (KafkaConsumer<String, Long> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new LongDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end " + end
                            + " within 2 minutes");
                }
                for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(500))) {
                    int n = Math.toIntExact(r.value());
                    if (seen.get(n)) {
                        duplicated++;
                    }
                    seen.set(n);
                }
            }
        }
        BitSet lost = (BitSet) acked.clone();
        lost.andNot(seen);
        return new Verification(acked.cardinality(), seen.cardinality(), lost.cardinality(), duplicated, lost);
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(30)) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
