package io.kupgrade.plans;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * When a roll may begin work on a broker ({@code rollout.maintenanceWindows}): a list of weekly windows in one
 * time zone, such as {@code "Mon-Fri 22:00-06:00"} (a window whose end is not after its start runs past
 * midnight into the next day; the days are the days it opens) or {@code "Sat,Sun 00:00-24:00"}; no days means
 * every day. As Strimzi's {@code maintenanceTimeWindows}: a broker (batch, phase or finalize) is only begun
 * inside a window, and one begun before the window closes is finished. {@link #ALWAYS} (no windows) is open at
 * every instant. Immutable and thread-safe.
 *
 * @param windows the windows, in the plan's order; empty for "at any time"
 * @param zone the time zone the windows are read in
 */
public record MaintenanceWindows(List<Window> windows, ZoneId zone) {
    /** No windows: open at any time. */
    public static final MaintenanceWindows ALWAYS = new MaintenanceWindows(List.of(), ZoneId.of("UTC"));

    private static final Pattern WINDOW = Pattern.compile(
            "(?:(?<days>[A-Za-z]{3}(?:\\s*-\\s*[A-Za-z]{3})?(?:\\s*,\\s*[A-Za-z]{3}(?:\\s*-\\s*[A-Za-z]{3})?)*)\\s+)?"
                    + "(?<start>\\d{1,2}:\\d{2})\\s*-\\s*(?<end>\\d{1,2}:\\d{2})");
    private static final List<String> DAY_NAMES = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm", Locale.ROOT);

    public MaintenanceWindows {
        windows = List.copyOf(windows);
    }

    /**
     * One weekly window.
     *
     * @param days the days it opens on
     * @param start when it opens
     * @param end when it closes: on the same day when after {@code start}, else on the next day (midnight for
     *     {@code 24:00})
     * @param text as written in the plan
     */
    public record Window(Set<DayOfWeek> days, LocalTime start, LocalTime end, boolean endsAtMidnight, String text) {
        public Window {
            days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
        }

        /** True when it closes on the day after it opens. */
        boolean crossesMidnight() {
            return endsAtMidnight || !end.isAfter(start);
        }

        ZonedDateTime opens(LocalDate day, ZoneId zone) {
            return ZonedDateTime.of(day, start, zone);
        }

        ZonedDateTime closes(LocalDate openedOn, ZoneId zone) {
            return ZonedDateTime.of(crossesMidnight() ? openedOn.plusDays(1) : openedOn, end, zone);
        }
    }

    /**
     * Reads {@code "[DAYS ]HH:MM-HH:MM"} (DAYS: {@code Mon}, {@code Mon-Fri}, {@code Sat,Sun}; the end may be
     * {@code 24:00}).
     *
     * @throws IllegalArgumentException with a line for people naming what is wrong
     */
    public static Window window(String text) {
        Matcher m = WINDOW.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a window: write [DAYS ]HH:MM-HH:MM, e.g."
                    + " \"Mon-Fri 22:00-06:00\" or \"Sat,Sun 00:00-24:00\" or \"01:00-05:00\" (every day)");
        }
        Set<DayOfWeek> days = m.group("days") == null ? EnumSet.allOf(DayOfWeek.class) : days(m.group("days"), text);
        LocalTime start = time(m.group("start"), text, false);
        boolean midnight = m.group("end").equals("24:00");
        LocalTime end = time(m.group("end"), text, true);
        if (!midnight && start.equals(end)) {
            throw new IllegalArgumentException("'" + text + "' opens and closes at " + start + ": for a whole day"
                    + " write 00:00-24:00");
        }
        return new Window(days, start, end, midnight, text.trim());
    }

    private static Set<DayOfWeek> days(String spec, String text) {
        Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
        for (String part : spec.split(",")) {
            String[] range = part.split("-");
            DayOfWeek from = day(range[0], text);
            DayOfWeek to = range.length > 1 ? day(range[1], text) : from;
            for (DayOfWeek d = from; ; d = d.plus(1)) {
                out.add(d);
                if (d == to) {
                    break;
                }
            }
        }
        return out;
    }

    private static DayOfWeek day(String name, String text) {
        int i = DAY_NAMES.indexOf(name.trim().toLowerCase(Locale.ROOT));
        if (i < 0) {
            throw new IllegalArgumentException("'" + text + "': unknown day '" + name.trim() + "' (Mon, Tue, Wed,"
                    + " Thu, Fri, Sat, Sun)");
        }
        return DayOfWeek.of(i + 1);
    }

    private static LocalTime time(String hhmm, String text, boolean end) {
        if (end && hhmm.equals("24:00")) {
            return LocalTime.MIDNIGHT;
        }
        String[] p = hhmm.split(":");
        int h = Integer.parseInt(p[0]);
        int min = Integer.parseInt(p[1]);
        if (h > 23 || min > 59) {
            throw new IllegalArgumentException("'" + text + "': " + hhmm + " is not a time of day (00:00 to 23:59"
                    + (end ? ", or 24:00 for the end" : "") + ")");
        }
        return LocalTime.of(h, min);
    }

    /**
     * A zone id such as {@code Europe/Berlin} or {@code UTC}.
     *
     * @throws IllegalArgumentException when Java does not know it
     */
    public static ZoneId zone(String id) {
        try {
            return ZoneId.of(id.trim());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + id + "' is not a time zone (e.g. UTC, Europe/Berlin,"
                    + " America/New_York)");
        }
    }

    /** True when the plan sets no window: a roll may begin a broker at any time. */
    public boolean always() {
        return windows.isEmpty();
    }

    /** True when {@code at} is inside a window (always, when there are none). */
    public boolean isOpen(Instant at) {
        return openWindow(at).isPresent() || always();
    }

    /**
     * When the windows {@code at} is in close: the end of the open window, carried on through windows that are
     * open at that instant (Friday's night window runs into Saturday's whole-day one); empty outside every
     * window (or without any).
     */
    public Optional<ZonedDateTime> closesAt(Instant at) {
        Optional<OpenWindow> open = openWindow(at);
        if (open.isEmpty()) {
            return Optional.empty();
        }
        ZonedDateTime closes = open.get().closes();
        // bounded: a week of back-to-back windows at most (every day, all day, never closes for long)
        for (int i = 0; i < 8 * Math.max(1, windows.size()); i++) {
            Optional<OpenWindow> next = openWindow(closes.toInstant());
            if (next.isEmpty() || !next.get().closes().isAfter(closes)) {
                break;
            }
            closes = next.get().closes();
        }
        return Optional.of(closes);
    }

    private record OpenWindow(Window window, ZonedDateTime closes) {
    }

    private Optional<OpenWindow> openWindow(Instant at) {
        ZonedDateTime now = at.atZone(zone);
        OpenWindow best = null;
        for (Window w : windows) {
            // opened today, or yesterday and running past midnight
            for (LocalDate day : List.of(now.toLocalDate(), now.toLocalDate().minusDays(1))) {
                if (!w.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                ZonedDateTime opens = w.opens(day, zone);
                ZonedDateTime closes = w.closes(day, zone);
                if (!now.isBefore(opens) && now.isBefore(closes) && (best == null || closes.isAfter(best.closes()))) {
                    best = new OpenWindow(w, closes);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** When the next window opens after {@code at}; empty without windows. */
    public Optional<ZonedDateTime> nextOpening(Instant at) {
        ZonedDateTime now = at.atZone(zone);
        ZonedDateTime next = null;
        for (Window w : windows) {
            for (int d = 0; d <= 14; d++) { // two weeks: a weekly window skipped by a daylight-saving gap
                LocalDate day = now.toLocalDate().plusDays(d);
                if (!w.days().contains(day.getDayOfWeek())) {
                    continue;
                }
                ZonedDateTime opens = w.opens(day, zone);
                // a window inside a daylight-saving gap (Sun 02:00-03:00 on the spring-forward day) never opens
                boolean opensAtAll = w.closes(day, zone).isAfter(opens);
                if (opensAtAll && opens.isAfter(now) && (next == null || opens.isBefore(next))) {
                    next = opens;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * Why a roll may not begin a broker at {@code at}, one line for people (the windows, the next opening);
     * empty when it may.
     */
    public Optional<String> closedBecause(Instant at) {
        if (isOpen(at)) {
            return Optional.empty();
        }
        String next = nextOpening(at).map(t -> "; the next opens " + show(t)).orElse("");
        return Optional.of("outside the maintenance windows (" + describe() + ")" + next + ", it is now "
                + show(at.atZone(zone)));
    }

    /** The windows and their zone, e.g. {@code "Mon-Fri 22:00-06:00, Sat,Sun 00:00-24:00 (Europe/Berlin)"}. */
    public String describe() {
        if (always()) {
            return "any time";
        }
        return windows.stream().map(Window::text).collect(Collectors.joining(", ")) + " (" + zone.getId() + ")";
    }

    /** An instant as shown to people: day, date and time in the windows' zone. */
    public String show(ZonedDateTime t) {
        return SHOWN.format(t.withZoneSameInstant(zone)) + " " + zone.getId();
    }

    /** Parses each text with {@link #window}; for tests and callers without a plan file. */
    public static MaintenanceWindows of(ZoneId zone, String... texts) {
        List<Window> out = new ArrayList<>();
        for (String t : texts) {
            out.add(window(t));
        }
        return new MaintenanceWindows(out, zone);
    }
}
