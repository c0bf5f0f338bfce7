package io.kupgrade.orchestrator.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default journal: one JSON object per line in a local file, one file per cluster
 * ({@code <stateDir>/<cluster-name>/journal.jsonl}, stateDir by default {@code ~/.kupgrade/state}).
 *
 * <p>Durability: {@link #append} writes the whole line and fsyncs the file (and, when it creates the file,
 * its directory) before returning. A crash can therefore only leave a partial last line, which was never
 * acknowledged: it is ignored on reading (with a warning) and cut off before the next append. An unreadable
 * line anywhere else means the file was damaged or edited, and reading fails with the line number rather than
 * resuming from a guess.
 *
 * <p>Thread-safe within one process; use {@code FileClusterLock} to keep other processes out.
 */
public final class FileJournal implements Journal {
    private static final Logger LOG = LoggerFactory.getLogger(FileJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE_NAME = "journal.jsonl";
    private static final int TAIL_BYTES = 1024 * 1024;

    private final Path file;
    /**
     * The entries as last read or appended by this instance, and the file's size and modification time then:
     * the engine reads the journal before every step, and re-parsing a long history each time cost a roll time
     * that grew with the journal. Any change made from outside (size or mtime differ) means a full read.
     */
    private List<JournalEntry> cached;
    private long cachedSize = -1;
    private FileTime cachedModified;

    /** A journal in {@code file}; the file and its directory are created on the first append. */
    public FileJournal(Path file) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
    }

    /** The journal of cluster {@code clusterName} under {@code stateDir}: {@code stateDir/<name>/journal.jsonl}. */
    public static FileJournal forCluster(Path stateDir, String clusterName) {
        return new FileJournal(StateDirs.clusterDir(stateDir, clusterName).resolve(FILE_NAME));
    }

    /** The journal of cluster {@code clusterName} under {@link StateDirs#defaultStateDir()}. */
    public static FileJournal forCluster(String clusterName) {
        return forCluster(StateDirs.defaultStateDir(), clusterName);
    }

    public Path file() {
        return file;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Works on an interrupted thread too (the entry that records an interruption must be written): the
     * interrupt flag is cleared for the write, because an interrupted FileChannel closes itself, and restored
     * afterwards.
     */
    @Override
    public synchronized void append(JournalEntry entry) {
        boolean interrupted = Thread.interrupted();
        try {
            appendNow(entry);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void appendNow(JournalEntry entry) {
        Objects.requireNonNull(entry, "entry");
        byte[] line = (toJson(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            boolean created = !Files.exists(file);
            // the cache may be extended only when nobody else touched the file since it was filled
            boolean cacheValid = cached != null && !created && unchangedSinceCached();
            if (created) {
                Files.createDirectories(file.getParent());
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ)) {
                long validEnd = validLength(ch);
                if (validEnd < ch.size()) {
                    LOG.warn("journal {}: cutting off {} bytes of an incomplete last entry (a crash during a write)",
                            file, ch.size() - validEnd);
                    ch.truncate(validEnd);
                }
                ch.position(validEnd);
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
                if (cacheValid && validEnd == cachedSize && validEnd == ch.size() - line.length) {
                    // the entry as a reader would parse it back, so the cache equals a fresh read
                    cached.add(fromJson(new String(line, 0, line.length - 1, StandardCharsets.UTF_8)));
                    remember(ch.size());
                } else {
                    cached = null;
                }
            }
            if (created) {
                fsyncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to journal " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@inheritDoc} An absent file is an empty journal.
     *
     * @throws IllegalStateException when a line cannot be read, other than a torn last line (naming the line)
     */
    @Override
    public synchronized List<JournalEntry> entries() {
        if (!Files.exists(file)) {
            return List.of();
        }
        if (cached != null && unchangedSinceCached()) {
            return List.copyOf(cached);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal " + file + ": " + e.getMessage(), e);
        }
        int valid = validLength(bytes);
        if (valid < bytes.length) {
            LOG.warn("journal {}: ignoring an incomplete last entry ({} bytes; a crash during a write)", file,
                    bytes.length - valid);
        }
        List<JournalEntry> entries = new ArrayList<>();
        String[] lines = new String(bytes, 0, valid, StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length - 1; i++) { // the element after the last '\n' is ""
            try {
                entries.add(fromJson(lines[i]));
            } catch (IllegalArgumentException e) {
                throw new JournalDamagedException("journal " + file + " line " + (i + 1) + " is not a journal entry ("
                        + e.getMessage() + "); the file was damaged or edited by hand", e);
            }
        }
        cached = valid == bytes.length ? new ArrayList<>(entries) : null;
        if (cached != null) {
            remember(bytes.length);
        }
        return entries;
    }

    private void remember(long size) {
        cachedSize = size;
        try {
            cachedModified = Files.getLastModifiedTime(file);
        } catch (IOException e) {
            cached = null;
        }
    }

    private boolean unchangedSinceCached() {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.size() == cachedSize && a.lastModifiedTime().equals(cachedModified);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Length of {@code bytes} without a torn tail: what follows the last line end (a write cut short), or a
     * last line of NUL bytes (some file systems show zeros where unsynced data was lost). Anything else is
     * left for the reader to judge: an unreadable complete line is damage, not a crash.
     */
    static int validLength(byte[] bytes) {
        int end = lastIndexOf(bytes, bytes.length - 1) + 1;
        while (end > 0) {
            int prev = lastIndexOf(bytes, end - 2) + 1;
            boolean allNul = end - 1 > prev;
            for (int i = prev; i < end - 1 && allNul; i++) {
                allNul = bytes[i] == 0;
            }
            if (!allNul) {
                break;
            }
            end = prev;
        }
        return end;
    }

    /** As {@link #validLength(byte[])}, looking only at the file's last 1 MiB (a torn tail is one line). */
    private long validLength(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return 0;
        }
        long start = Math.max(0, size - TAIL_BYTES);
        ByteBuffer tail = ByteBuffer.allocate((int) (size - start));
        while (tail.hasRemaining() && ch.read(tail, start + tail.position()) > 0) {
            // read the whole tail
        }
        byte[] bytes = tail.array();
        if (start > 0 && lastIndexOf(bytes, bytes.length - 1) < 0) {
            throw new IllegalStateException("journal " + file + " ends with more than " + TAIL_BYTES
                    + " bytes without a line end: not a journal; refusing to append");
        }
        return start + validLength(bytes);
    }

    private static int lastIndexOf(byte[] bytes, int from) {
        for (int i = from; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static String toJson(JournalEntry e) {
        ObjectNode node = JSON.createObjectNode();
        node.put("at", e.at().toString());
        node.put("planSha256", e.planSha256());
        node.put("phase", e.phase());
        node.put("wave", e.wave());
        if (e.brokerId() == null) {
            node.putNull("brokerId");
        } else {
            node.put("brokerId", e.brokerId().intValue());
        }
        node.put("step", e.step());
        node.put("event", e.event());
        ObjectNode details = node.putObject("details");
        e.details().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(d -> details.put(d.getKey(), d.getValue()));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot serialize journal entry", ex);
        }
    }

    /** @throws IllegalArgumentException when the line is not a journal entry */
    static JournalEntry fromJson(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (node == null || !node.isObject() || !node.hasNonNull("at") || !node.hasNonNull("step")
                || !node.hasNonNull("event")) {
            throw new IllegalArgumentException("missing at/step/event");
        }
        Instant at;
        try {
            at = Instant.parse(node.get("at").asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("bad timestamp", e);
        }
        Map<String, String> details = new LinkedHashMap<>();
        JsonNode d = node.get("details");
        if (d != null && d.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                details.put(f.getKey(), f.getValue().asText());
            }
        }
        JsonNode broker = node.get("brokerId");
        return new JournalEntry(at, text(node, "planSha256"), text(node, "phase"), text(node, "wave"),
                broker == null || broker.isNull() ? null : broker.asInt(), node.get("step").asText(),
                node.get("event").asText(), details);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            LOG.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    @Override
    public String toString() {
        return "FileJournal[" + file + "]";
    }
}
