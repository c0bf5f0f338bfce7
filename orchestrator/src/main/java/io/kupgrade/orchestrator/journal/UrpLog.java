package io.kupgrade.orchestrator.journal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Under-replicated and offline partition counts over time, kept beside the journal
 * ({@code <stateDir>/<cluster>/urp.jsonl}, one {@code {"at":...,"urp":N,"offline":M}} per line) so the journal
 * itself stays small. Telemetry, not state: appends are not fsynced, a failed write is logged once and
 * otherwise ignored, unreadable lines are skipped. At most one sample per {@link #MIN_INTERVAL} is kept.
 * Thread-safe.
 */
public final class UrpLog {
    public static final String FILE_NAME = "urp.jsonl";
    /** Samples closer together than this are dropped. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(UrpLog.class);
    private static final Pattern LINE = Pattern.compile(
            "\\{\"at\":\"([^\"]+)\",\"urp\":(\\d+),\"offline\":(\\d+)}");

    private final Path file;
    private Instant last;
    private boolean warned;

    public UrpLog(Path file) {
        this.file = file;
    }

    /** The log of cluster {@code clusterName} under {@code stateDir}. */
    public static UrpLog forCluster(Path stateDir, String clusterName) {
        return new UrpLog(StateDirs.clusterDir(stateDir, clusterName).resolve(FILE_NAME));
    }

    public Path file() {
        return file;
    }

    /** One sample. */
    public record Sample(Instant at, int underReplicated, int offline) {
    }

    /** Records a sample unless the previous kept one is less than {@link #MIN_INTERVAL} old. */
    public synchronized void record(Instant at, int underReplicated, int offline) {
        if (last != null && at.isBefore(last.plus(MIN_INTERVAL))) {
            return;
        }
        last = at;
        String line = "{\"at\":\"" + at + "\",\"urp\":" + underReplicated + ",\"offline\":" + offline + "}\n";
        try {
            Files.createDirectories(file.getParent());
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                w.write(line);
            }
        } catch (IOException e) {
            if (!warned) {
                warned = true;
                LOG.warn("cannot write URP samples to {}: {} (the roll goes on; the report will lack them)", file,
                        e.toString());
            }
        }
    }

    /** Every readable sample, oldest first; empty when the file does not exist. */
    public List<Sample> read() {
        List<Sample> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                Matcher m = LINE.matcher(line.strip());
                if (m.matches()) {
                    try {
                        out.add(new Sample(Instant.parse(m.group(1)), Integer.parseInt(m.group(2)),
                                Integer.parseInt(m.group(3))));
                    } catch (DateTimeParseException | NumberFormatException e) {
                        // a torn or edited line: skip it, samples are telemetry
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read URP samples from {}: {}", file, e.toString());
        }
        return out;
    }
}
