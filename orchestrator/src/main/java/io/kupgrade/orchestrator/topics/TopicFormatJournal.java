package io.kupgrade.orchestrator.topics;

import io.kupgrade.orchestrator.engine.Journaling;
import io.kupgrade.orchestrator.journal.JournalEntry;
import io.kupgrade.orchestrator.lock.LockHolder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@code kupgrade topic-format PLAN} change is recorded in the cluster's journal, and read back for
 * {@code status} and {@code report}. Part of the journal format: add, never rename.
 *
 * <p>One entry per run that changed something (or failed after sending the change): step
 * {@value Journaling#TOPIC_FORMAT}, event {@code succeeded} or {@code failed}, the plan's sha256, no phase, wave or
 * broker (an out-of-band entry, {@link Journaling#outOfBand}: resume and rollback never see it). Details:
 * <ul>
 *   <li>{@code operation}: {@code set V} or {@code remove}; {@code interBrokerProtocol}: the lowest IBP seen;</li>
 *   <li>{@code topics}: the topics changed (for {@code failed}: asked to change), comma-separated in name order,
 *       at most {@value #MAX_LISTED}; {@code topicCount}: how many in all; {@code unchanged}: how many topics
 *       already were as asked;</li>
 *   <li>{@code before.<topic>} and {@code after.<topic>} for each listed topic: the value and where it comes from,
 *       {@code 2.8 (topic override)}, read back from the cluster ({@code ? (unknown)} when a failure left it
 *       unreadable);</li>
 *   <li>{@code by} (user@host), {@code pid}, {@code command}: who ran it; {@code message}: why it failed.</li>
 * </ul>
 * Stateless.
 */
public final class TopicFormatJournal {
    /** At most this many topics are listed with their before/after (a ZooKeeper journal entry stays small). */
    public static final int MAX_LISTED = 200;
    static final String BEFORE = "before.";
    static final String AFTER = "after.";

    private TopicFormatJournal() {
    }

    /** A change that went through; {@code result} as read back. */
    public static JournalEntry succeeded(Instant at, String planSha256, TopicFormatResult result, LockHolder by) {
        return entry(at, planSha256, result, by, Journaling.SUCCEEDED, null);
    }

    /** A change that failed after it was sent: some topics may have changed; {@code readBack} says what is known. */
    public static JournalEntry failed(Instant at, String planSha256, TopicFormatResult readBack, LockHolder by,
                                      String message) {
        return entry(at, planSha256, readBack, by, Journaling.FAILED, message);
    }

    private static JournalEntry entry(Instant at, String sha, TopicFormatResult r, LockHolder by, String event,
                                      String message) {
        List<TopicFormatChange> changed = r.topics().stream().filter(TopicFormatChange::changed).toList();
        Map<String, String> d = new LinkedHashMap<>();
        d.put("operation", r.operation());
        d.put("interBrokerProtocol", String.valueOf(r.interBrokerProtocol()));
        List<TopicFormatChange> listed = changed.subList(0, Math.min(MAX_LISTED, changed.size()));
        d.put("topics", String.join(",", listed.stream().map(TopicFormatChange::topic).toList()));
        d.put("topicCount", Integer.toString(changed.size()));
        d.put("unchanged", Integer.toString(r.topics().size() - changed.size()));
        for (TopicFormatChange c : listed) {
            d.put(BEFORE + c.topic(), c.before() + " (" + c.beforeSource() + ")");
            d.put(AFTER + c.topic(), c.after() + " (" + c.afterSource() + ")");
        }
        d.put("by", by.user() + "@" + by.host());
        d.put("pid", Long.toString(by.pid()));
        d.put("command", by.command());
        if (message != null) {
            d.put("message", message);
        }
        return new JournalEntry(at, sha, null, null, null, Journaling.TOPIC_FORMAT, event, d);
    }

    /**
     * A recorded topic-format change, for people.
     *
     * @param outcome {@code succeeded} or {@code failed}
     * @param topics the topics listed in the entry (at most {@value #MAX_LISTED})
     * @param topicCount how many topics it changed (or tried to) in all
     * @param message why it failed; null when it did not
     */
    public record Recorded(Instant at, String outcome, String operation, List<String> topics, int topicCount,
                           String by, String message) {
        public Recorded {
            topics = List.copyOf(topics);
        }

        /** {@code 2026-11-25T10:00:00Z set 2.8 on 2 topics (audit, orders) by alice@ops-1}. */
        public String describe() {
            String names = topics.size() <= 5 ? String.join(", ", topics)
                    : String.join(", ", topics.subList(0, 5)) + ", ...";
            return at + " " + operation + " on " + topicCount + (topicCount == 1 ? " topic" : " topics")
                    + (names.isEmpty() ? "" : " (" + names + ")") + " by " + by
                    + (Journaling.FAILED.equals(outcome) ? ": FAILED, " + message : "");
        }
    }

    /** The change an entry records; empty for any other entry. */
    public static Optional<Recorded> read(JournalEntry e) {
        if (!Journaling.TOPIC_FORMAT.equals(e.step())) {
            return Optional.empty();
        }
        Map<String, String> d = e.details();
        String topics = d.getOrDefault("topics", "");
        List<String> names = topics.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(topics.split(",")));
        int count;
        try {
            count = Integer.parseInt(d.getOrDefault("topicCount", Integer.toString(names.size())));
        } catch (NumberFormatException ex) {
            count = names.size();
        }
        return Optional.of(new Recorded(e.at(), e.event(), d.getOrDefault("operation", "?"), names, count,
                d.getOrDefault("by", "?"), d.get("message")));
    }

    /** The most recent {@code max} topic-format changes of a journal, newest last. */
    public static List<Recorded> recent(List<JournalEntry> journal, int max) {
        List<Recorded> all = journal.stream().map(TopicFormatJournal::read).flatMap(Optional::stream).toList();
        return all.subList(Math.max(0, all.size() - max), all.size());
    }
}
