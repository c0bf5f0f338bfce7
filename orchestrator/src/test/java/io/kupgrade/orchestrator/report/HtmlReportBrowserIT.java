package io.kupgrade.orchestrator.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report in a real browser (issue 7 "Done when"): Debian's Chromium, headless, no network. */
class HtmlReportBrowserIT {
    private static final Pattern LANE = Pattern.compile("class=\"lane\" data-broker=\"(\\d+)\"");

    @TempDir
    Path tmp;

    static List<Integer> lanes(String dom) {
        List<Integer> ids = new ArrayList<>();
        Matcher m = LANE.matcher(dom);
        while (m.find()) {
            ids.add(Integer.parseInt(m.group(1)));
        }
        return ids;
    }

    @Test
    void shouldShowOneLanePerBrokerOnceTheBrowserRenderedTheReport() throws Exception {
        Path chromium = Chromium.require();
        Journals j = new Journals().start();
        j.at(0.5).broker("binaries", "canary", 1).at(0.2).add("binaries", "canary", null, "wave-done", "succeeded");
        j.at(0.5).broker("binaries", "rest", 2).at(0.5).broker("binaries", "rest", 3)
                .add(null, null, null, "run", "succeeded", "message", "done");
        Path html = tmp.resolve("report.html");
        Files.writeString(html, HtmlReport.render(ReportModel.build("plan.yaml", Journals.SHA, "c1", "journal.jsonl",
                j.entries, List.of(), Map.of(1, "kafka-1"))));

        String dom = Chromium.dumpDom(chromium, html, tmp);

        assertEquals(List.of(1, 2, 3), lanes(dom));
        assertTrue(dom.contains("<span id=\"lane-count\">3</span>"), "the inline script ran and counted 3 lanes");
        assertTrue(dom.contains("data-rendered=\"true\""));
        assertEquals(3 * 9, dom.split("class=\"seg seg-").length - 1, "nine segments per broker");
    }
}
