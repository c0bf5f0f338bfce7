package io.kupgrade.sandbox.load;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer writing numbered records at a steady rate in a background thread, as a client of an upgraded
 * cluster would: {@code acks=all}, {@code enable.idempotence=true}, unlimited retries within
 * {@code delivery.timeout.ms} (2 min). Record {@code n} has key {@code "n"} and value {@code n} (a long); only
 * records whose send completed without error count as acknowledged.
 *
 * <p>{@link #start} creates the topic when it does not exist: 6 partitions, replication factor 3,
 * {@code min.insync.replicas=2} (so an acknowledged record is on at least two brokers).
 *
 * <pre>
 * NumberedLoad load = NumberedLoad.start(cluster.bootstrapServers(), "orders", 200);
 * ... restart brokers ...
 * LoadResult produced = load.stop();
 * Verification v = Verifier.verify(cluster.bootstrapServers(), "orders", produced.acked());
 * assertEquals(0, v.lost());
 * </pre>
 *
 * <p>Thread-safe; {@link #stop()} may be called once from any thread.
 */
public final class NumberedLoad implements AutoCloseable {

    /** Partitions of a topic the load creates. */
    public static final int PARTITIONS = 6;

    private final KafkaProducer<String, Long> producer;
    private final String topic;
    private final long periodNanos;
    private final Thread thread;
    private final BitSet acked = new BitSet();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Throwable> firstError = new AtomicReference<>();
    private volatile boolean running = true;
    private LoadResult result;

    private NumberedLoad(String bootstrap, String topic, int ratePerSec) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "kupgrade-numbered-load-" + topic);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new LongSerializer());
        this.topic = topic;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / ratePerSec;
        this.thread = new Thread(this::run, "numbered-load-" + topic);
        this.thread.setDaemon(true);
    }

    /**
     * Creates the topic if needed and starts producing {@code ratePerSec} records per second.
     *
     * @throws IllegalArgumentException when {@code ratePerSec} is not positive
     * @throws IllegalStateException when the topic cannot be created
     */
    public static NumberedLoad start(String bootstrapServers, String topic, int ratePerSec) {
        if (ratePerSec <= 0) {
            throw new IllegalArgumentException("ratePerSec must be positive, got " + ratePerSec);
        }
        createTopic(bootstrapServers, topic);
        NumberedLoad load = new NumberedLoad(bootstrapServers, topic, ratePerSec);
        load.thread.start();
        return load;
    }

    /** Records sent so far. */
    public long sent() {
        return sent.get();
    }

    /** Records acknowledged so far. */
    public long ackedSoFar() {
        synchronized (acked) {
            return acked.cardinality();
        }
    }

    /**
     * Stops sending, waits until every record sent has completed (acknowledged or failed, at most
     * {@code delivery.timeout.ms}), and returns the outcome. Later calls return the same result.
     */
    public synchronized LoadResult stop() {
        if (result != null) {
            return result;
        }
        running = false;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
        producer.close();
        synchronized (acked) {
            result = new LoadResult(sent.get(), acked, failed.get(), firstError.get());
        }
        return result;
    }

    @Override
    public void close() {
        stop();
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            long n = sent.getAndIncrement();
            producer.send(new ProducerRecord<>(topic, Long.toString(n), n), (metadata, error) -> {
                if (error == null) {
                    synchronized (acked) {
                        acked.set(Math.toIntExact(n));
                    }
                } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, error);
                }
            });
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static void createTopic(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            NewTopic t = new NewTopic(topic, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2"));
            admin.createTopics(List.of(t)).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + ": timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
