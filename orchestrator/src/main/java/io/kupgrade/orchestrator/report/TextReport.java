package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.report.RollReport.BrokerTimes;
import io.kupgrade.orchestrator.report.RollReport.Marker;
import io.kupgrade.orchestrator.report.RollReport.Totals;
import java.time.Duration;
import java.util.Locale;

/** The text summary of a {@link RollReport}: per broker durations, totals, overhead. Stateless. */
public final class TextReport {
    private TextReport() {
    }

    public static String render(RollReport r) {
        StringBuilder b = new StringBuilder();
        b.append("plan     ").append(r.planFile()).append(" (sha256 ").append(abbreviate(r.planSha256())).append(")\n");
        b.append("cluster  ").append(r.cluster()).append('\n');
        b.append("journal  ").append(r.journal()).append('\n');
        if (r.from() == null) {
            r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
            return b.toString();
        }
        Totals t = r.totals();
        b.append("window   ").append(r.from()).append(" .. ").append(r.to()).append('\n');
        b.append("runs     ").append(t.runs());
        for (Marker m : r.markers()) {
            if ("run-end".equals(m.kind())) {
                b.append("\n  ").append(m.at()).append("  ").append(m.label());
            }
        }
        b.append("\n\n");
        b.append(String.format(Locale.ROOT, "%-10s %-8s %6s %8s %8s %8s %8s %8s %8s %8s %8s %9s%n", "phase", "wave",
                "broker", "gates", "stop", "drain", "install", "start", "register", "catch-up", "leaders", "cycle"));
        for (BrokerTimes bt : r.brokers()) {
            b.append(String.format(Locale.ROOT, "%-10s %-8s %6d %8s %8s %8s %8s %8s %8s %8s %8s %9s%s%n",
                    cut(bt.phase(), 10), cut(bt.wave(), 8), bt.brokerId(), seconds(bt.preStop()), seconds(bt.stop()),
                    seconds(bt.drain()), seconds(bt.install()), seconds(bt.start()), seconds(bt.registration()),
                    seconds(bt.catchUp()), seconds(bt.leaders()), seconds(bt.cycle()), bt.done() ? "" : "  (not done)"));
        }
        b.append('\n');
        b.append(String.format(Locale.ROOT, "wall time        %s over %d run(s); %d broker cycle(s) done%n",
                human(t.wall()), t.runs(), t.brokersDone()));
        b.append(String.format(Locale.ROOT, "brokers busy     %s (time with at least one broker between its stop and"
                + " its leaders restored)%n", human(t.busy())));
        if (!t.soak().isZero()) {
            b.append(String.format(Locale.ROOT, "soak             %s%n", human(t.soak())));
        }
        b.append(String.format(Locale.ROOT, "kupgrade overhead %s = %.1f %% of the wall time (pre-stop gates, layout,"
                + " between steps)%n", human(t.overhead()), 100 * t.overheadRatio()));
        if (t.maxUrp() >= 0) {
            b.append(String.format(Locale.ROOT, "URP              max %d under-replicated, max %d offline (%d samples)%n",
                    t.maxUrp(), t.maxOffline(), r.urp().size()));
        }
        r.notes().forEach(n -> b.append("note: ").append(n).append('\n'));
        return b.toString();
    }

    static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    /** "1m 32.5s", "4.1s", "1h 02m 03s". */
    static String human(Duration d) {
        if (d == null) {
            return "-";
        }
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh %02dm %02ds", s / 3600, s / 60 % 60, s % 60);
        }
        if (s >= 60) {
            return String.format(Locale.ROOT, "%dm %04.1fs", s / 60, (d.toMillis() % 60_000) / 1000.0);
        }
        return seconds(d);
    }

    private static String cut(String s, int n) {
        return s == null ? "" : s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    static String abbreviate(String sha) {
        return sha == null || sha.length() <= 12 ? String.valueOf(sha) : sha.substring(0, 12);
    }
}
