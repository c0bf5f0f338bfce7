package io.kupgrade.orchestrator.report;

import io.kupgrade.orchestrator.journal.UrpLog;
import io.kupgrade.orchestrator.report.RollReport.BrokerTimes;
import io.kupgrade.orchestrator.report.RollReport.Kind;
import io.kupgrade.orchestrator.report.RollReport.Lane;
import io.kupgrade.orchestrator.report.RollReport.Marker;
import io.kupgrade.orchestrator.report.RollReport.Segment;
import io.kupgrade.orchestrator.report.RollReport.Totals;
import io.kupgrade.orchestrator.report.RollReport.WaveSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * The HTML timeline of a {@link RollReport}: one self-contained page (inline CSS, inline SVG, a few lines of
 * inline script; nothing fetched from the network) a person can open from disk. The timeline is rendered on
 * the server side so the page reads the same without script. Stable hooks for tests and tools:
 * {@code #timeline}, {@code .lane[data-broker]}, {@code .seg[data-kind]}, {@code .wave[data-phase][data-wave]},
 * {@code .marker[data-kind]}, {@code #urp-chart}, {@code #durations}, and {@code #lane-count}, which the inline
 * script fills with the number of lanes it finds (so a browser test sees the script ran). Stateless.
 */
public final class HtmlReport {
    private static final int[] TICK_SECONDS = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200};

    private HtmlReport() {
    }

    public static String render(RollReport r) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>kupgrade report: ").append(esc(r.cluster())).append("</title>\n<style>\n")
                .append(CSS).append("</style>\n</head>\n<body>\n");
        h.append("<h1>kupgrade report: ").append(esc(r.cluster())).append("</h1>\n");
        h.append("<p class=\"meta\">plan <code>").append(esc(r.planFile())).append("</code> (sha256 <code>")
                .append(esc(TextReport.abbreviate(r.planSha256()))).append("</code>), journal <code>")
                .append(esc(r.journal())).append("</code></p>\n");
        if (r.from() == null) {
            notes(h, r);
            h.append("<p><span id=\"lane-count\">0</span> lanes</p>\n</body>\n</html>\n");
            return h.toString();
        }
        summary(h, r);
        timeline(h, r);
        urp(h, r);
        durations(h, r);
        notes(h, r);
        h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void summary(StringBuilder h, RollReport r) {
        Totals t = r.totals();
        h.append("<section id=\"summary\">\n<table class=\"summary\">\n");
        row(h, "window", r.from() + " .. " + r.to());
        row(h, "runs", t.runs() + " (" + t.brokersDone() + " broker cycles done)");
        row(h, "wall time", TextReport.human(t.wall()));
        row(h, "brokers busy", TextReport.human(t.busy()) + " (at least one broker between its stop and its"
                + " leaders restored)");
        if (!t.soak().isZero()) {
            row(h, "soak", TextReport.human(t.soak()));
        }
        row(h, "kupgrade overhead", TextReport.human(t.overhead()) + String.format(Locale.ROOT, " (%.1f %% of the"
                + " wall time)", 100 * t.overheadRatio()));
        if (t.maxUrp() >= 0) {
            row(h, "URP", "max " + t.maxUrp() + " under-replicated, max " + t.maxOffline() + " offline");
        }
        h.append("<tr><th>lanes</th><td><span id=\"lane-count\">").append(r.lanes().size())
                .append("</span> (counted in the browser)</td></tr>\n");
        h.append("</table>\n</section>\n");
    }

    private static void row(StringBuilder h, String k, String v) {
        h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>\n");
    }

    private static void timeline(StringBuilder h, RollReport r) {
        Instant from = r.from();
        long spanMs = Math.max(1, Duration.between(from, r.to()).toMillis());
        h.append("<section>\n<h2>Timeline</h2>\n<div class=\"legend\">");
        for (Kind k : Kind.values()) {
            h.append("<span><i class=\"seg-").append(k.id()).append("\"></i>").append(esc(k.label())).append("</span>");
        }
        h.append("</div>\n<div id=\"timeline\" class=\"timeline\" data-from=\"").append(from).append("\" data-to=\"")
                .append(r.to()).append("\">\n<div class=\"axis\">");
        long span = spanMs / 1000;
        int step = TICK_SECONDS[TICK_SECONDS.length - 1];
        for (int candidate : TICK_SECONDS) {
            if (span / candidate <= 10) {
                step = candidate;
                break;
            }
        }
        for (long s = 0; s * 1000 <= spanMs; s += step) {
            h.append("<span class=\"tick\" style=\"left:").append(pct(s * 1000, spanMs)).append("%\">+")
                    .append(tick(s)).append("</span>");
        }
        h.append("</div>\n<div class=\"waves\">");
        for (WaveSpan w : r.waves()) {
            long l = Duration.between(from, w.from()).toMillis();
            long wd = Duration.between(w.from(), w.to()).toMillis();
            h.append("<div class=\"wave").append(w.done() ? "" : " open").append("\" data-phase=\"").append(esc(w.phase()))
                    .append("\" data-wave=\"").append(esc(w.wave())).append("\" style=\"left:").append(pct(l, spanMs))
                    .append("%;width:").append(pct(wd, spanMs)).append("%\" title=\"").append(esc(w.phase() + "/"
                    + w.wave() + " brokers " + w.brokers() + (w.done() ? "" : " (not done)"))).append("\">")
                    .append(esc(w.phase() + "/" + w.wave())).append("</div>");
        }
        h.append("</div>\n");
        for (Lane lane : r.lanes()) {
            h.append("<div class=\"lane\" data-broker=\"").append(lane.brokerId()).append("\"><div class=\"lane-label\">")
                    .append("broker ").append(lane.brokerId());
            if (!lane.host().isEmpty()) {
                h.append(" <small>").append(esc(lane.host())).append("</small>");
            }
            h.append("</div><div class=\"track\">");
            for (Segment s : lane.segments()) {
                long l = Duration.between(from, s.from()).toMillis();
                long w = s.duration().toMillis();
                h.append("<div class=\"seg seg-").append(s.kind().id());
                if (!"succeeded".equals(s.outcome())) {
                    h.append(' ').append(esc(s.outcome()));
                }
                h.append("\" data-kind=\"").append(s.kind().id()).append("\" data-ms=\"").append(w)
                        .append("\" style=\"left:").append(pct(l, spanMs)).append("%;width:").append(pct(w, spanMs))
                        .append("%\" title=\"").append(esc("broker " + lane.brokerId() + " " + s.phase() + "/"
                        + s.wave() + ": " + s.kind().label() + " " + TextReport.seconds(s.duration())
                        + (s.outcome().equals("succeeded") ? "" : " (" + s.outcome() + ")"))).append("\"></div>");
            }
            h.append("</div></div>\n");
        }
        h.append("<div class=\"markers\">");
        for (Marker m : r.markers()) {
            long l = Duration.between(from, m.at()).toMillis();
            h.append("<div class=\"marker marker-").append(esc(m.kind()));
            if (m.outcome() != null) {
                h.append(' ').append(esc(m.outcome()));
            }
            h.append("\" data-kind=\"").append(esc(m.kind())).append("\" style=\"left:").append(pct(l, spanMs))
                    .append("%\" title=\"").append(esc(m.at() + " " + m.label())).append("\"></div>");
        }
        h.append("</div>\n</div>\n</section>\n");
    }

    private static void urp(StringBuilder h, RollReport r) {
        h.append("<section>\n<h2>Under-replicated partitions</h2>\n");
        if (r.urp().isEmpty()) {
            h.append("<p>No samples.</p>\n</section>\n");
            return;
        }
        long spanMs = Math.max(1, Duration.between(r.from(), r.to()).toMillis());
        int max = Math.max(1, Math.max(r.totals().maxUrp(), r.totals().maxOffline()));
        int width = 1000;
        int height = 120;
        h.append("<svg id=\"urp-chart\" class=\"urp\" viewBox=\"0 0 ").append(width).append(' ').append(height + 20)
                .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"under-replicated partitions over time,"
                        + " max ").append(r.totals().maxUrp()).append("\">\n");
        h.append("<line x1=\"0\" y1=\"").append(height).append("\" x2=\"").append(width).append("\" y2=\"")
                .append(height).append("\" class=\"base\"/>\n");
        polyline(h, r, spanMs, max, width, height, false);
        polyline(h, r, spanMs, max, width, height, true);
        h.append("<text x=\"4\" y=\"12\">").append(max).append("</text><text x=\"4\" y=\"").append(height + 14)
                .append("\">0</text>\n</svg>\n<p class=\"meta\">").append(r.urp().size()).append(" samples (at most one"
                + " a second, from every gate poll); blue: under-replicated, red: offline.</p>\n</section>\n");
    }

    private static void polyline(StringBuilder h, RollReport r, long spanMs, int max, int width, int height,
                                 boolean offline) {
        StringBuilder points = new StringBuilder();
        double lastY = height;
        for (UrpLog.Sample s : r.urp()) {
            double x = Math.max(0, Math.min(width, width * (double) Duration.between(r.from(), s.at()).toMillis()
                    / spanMs));
            double y = height - height * (double) (offline ? s.offline() : s.underReplicated()) / max;
            if (points.length() > 0) {
                points.append(fmt(x)).append(',').append(fmt(lastY)).append(' ');
            }
            points.append(fmt(x)).append(',').append(fmt(y)).append(' ');
            lastY = y;
        }
        h.append("<polyline class=\"").append(offline ? "offline" : "urp-line").append("\" points=\"")
                .append(points.toString().strip()).append("\"/>\n");
    }

    private static void durations(StringBuilder h, RollReport r) {
        h.append("<section>\n<h2>Per broker</h2>\n<table id=\"durations\" class=\"durations\">\n<tr><th>phase</th>"
                + "<th>wave</th><th>broker</th><th>pre-stop gates</th><th>stop</th><th>drain</th><th>install</th>"
                + "<th>start</th><th>registration</th><th>catch-up</th><th>leaders</th><th>cycle</th></tr>\n");
        for (BrokerTimes b : r.brokers()) {
            h.append("<tr data-broker=\"").append(b.brokerId()).append("\"><td>").append(esc(b.phase()))
                    .append("</td><td>").append(esc(b.wave())).append("</td><td>").append(b.brokerId()).append("</td>");
            for (Duration d : new Duration[] {b.preStop(), b.stop(), b.drain(), b.install(), b.start(),
                b.registration(), b.catchUp(), b.leaders(), b.cycle()}) {
                h.append("<td>").append(TextReport.seconds(d)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n</section>\n");
    }

    private static void notes(StringBuilder h, RollReport r) {
        if (r.notes().isEmpty()) {
            return;
        }
        h.append("<ul class=\"notes\">");
        r.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
        h.append("</ul>\n");
    }

    private static String pct(long part, long whole) {
        return fmt(100.0 * part / whole);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String tick(long seconds) {
        return seconds >= 60 ? (seconds / 60) + "m" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + "s")
                : seconds + "s";
    }

    /** HTML-escapes text and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}
            h1{font-size:20px}h2{font-size:16px;margin-top:28px}
            code{font-size:12px}.meta{color:#666;font-size:12px}
            table{border-collapse:collapse}th,td{padding:2px 10px;text-align:left;border-bottom:1px solid #eee}
            .durations td{text-align:right;font-variant-numeric:tabular-nums}
            .legend span{margin-right:14px;font-size:12px}.legend i{display:inline-block;width:12px;height:12px;
            margin-right:4px;vertical-align:-2px;border-radius:2px}
            .timeline{position:relative;margin:8px 0 0 140px}
            .axis{position:relative;height:18px;border-bottom:1px solid #ccc;font-size:11px;color:#666}
            .tick{position:absolute;top:0;transform:translateX(-50%)}
            .waves{position:relative;height:22px;margin:4px 0}
            .wave{position:absolute;height:20px;background:#f3f3f3;border:1px solid #ccc;font-size:11px;
            overflow:hidden;white-space:nowrap;padding:0 3px;box-sizing:border-box}
            .wave.open{border-style:dashed}
            .lane{position:relative;height:26px;border-bottom:1px solid #f0f0f0}
            .lane-label{position:absolute;left:-140px;width:132px;text-align:right;top:4px;font-size:12px}
            .lane-label small{color:#888}
            .track{position:absolute;left:0;right:0;top:0;bottom:0}
            .seg{position:absolute;top:4px;height:18px;min-width:1px;border-radius:2px}
            .seg.failed,.seg.halted,.seg.interrupted,.seg.open{outline:2px solid #000;outline-offset:-2px}
            .seg-pre-stop{background:#c8c8c8}.seg-stop{background:#d9534f}.seg-drain{background:#f0ad4e}
            .seg-install{background:#5bc0de}.seg-start{background:#337ab7}.seg-registration{background:#8e6fd1}
            .seg-catch-up{background:#5cb85c}.seg-leaders{background:#1aa39a}
            .markers{position:absolute;left:0;right:0;top:0;bottom:0;pointer-events:none}
            .marker{position:absolute;top:0;bottom:0;border-left:1px dashed #999}
            .marker-run-start{border-left:2px solid #333}.marker-run-end{border-left:2px solid #333}
            .marker-run-end.halted,.marker-run-end.failed{border-left-color:#d9534f}
            .marker-wave-done{border-left-color:#5cb85c}
            svg.urp{width:100%;height:140px;background:#fafafa}
            svg.urp polyline{fill:none;stroke-width:2;vector-effect:non-scaling-stroke}
            svg.urp .urp-line{stroke:#337ab7}svg.urp .offline{stroke:#d9534f}
            svg.urp .base{stroke:#ccc}svg.urp text{font-size:11px;fill:#666}
            .notes{color:#8a6d3b}
            """;

    private static final String SCRIPT = """
            (function () {
              var lanes = document.querySelectorAll('#timeline .lane');
              document.getElementById('lane-count').textContent = String(lanes.length);
              document.body.setAttribute('data-rendered', 'true');
            })();
            """;
}
