package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code rollout.maintenanceWindows}: when a roll may begin a broker. 2026-12-04 is a Friday; Berlin is UTC+1 in
 * December and UTC+2 after 2027-03-28 02:00.
 */
class MaintenanceWindowsTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final MaintenanceWindows NIGHTS = MaintenanceWindows.of(BERLIN, "Mon-Fri 22:00-06:00",
            "Sat,Sun 00:00-24:00");

    static Instant berlin(String localDateTime) {
        return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), BERLIN).toInstant();
    }

    @Test
    void aWindowIsOpenFromItsStartUntilItsEndPastMidnightIntoTheNextDay() {
        assertFalse(NIGHTS.isOpen(berlin("2026-12-04T21:59")), "Friday evening, before the window");
        assertTrue(NIGHTS.isOpen(berlin("2026-12-04T22:00")), "it opens at 22:00");
        assertTrue(NIGHTS.isOpen(berlin("2026-12-03T05:59")), "Thursday morning: Wednesday's night window");
        assertFalse(NIGHTS.isOpen(berlin("2026-12-03T06:00")), "it closes at 06:00");
        assertFalse(NIGHTS.isOpen(berlin("2026-12-07T05:00")), "Monday 05:00: no window opened on Sunday night"
                + " past midnight (Sunday's closes at 24:00, Monday's opens at 22:00)");
        assertTrue(NIGHTS.isOpen(berlin("2026-12-05T13:00")), "all Saturday");
        assertTrue(NIGHTS.isOpen(berlin("2026-12-06T23:59")), "all Sunday");
    }

    @Test
    void saysWhenTheNextWindowOpensAndWhenTheOpenOneCloses() {
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 4, 22, 0, 0, 0, BERLIN)),
                NIGHTS.nextOpening(berlin("2026-12-04T09:30")));
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 7, 0, 0, 0, 0, BERLIN)),
                NIGHTS.closesAt(berlin("2026-12-05T03:00")), "Saturday's window, then Sunday's: Monday 00:00");
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 7, 0, 0, 0, 0, BERLIN)),
                NIGHTS.closesAt(berlin("2026-12-04T23:00")), "Friday night runs into the weekend without a break");
        assertEquals(Optional.of(ZonedDateTime.of(2026, 12, 3, 6, 0, 0, 0, BERLIN)),
                NIGHTS.closesAt(berlin("2026-12-02T23:00")), "a weekday night closes at 06:00");
        assertEquals(Optional.empty(), NIGHTS.closesAt(berlin("2026-12-04T12:00")));
        assertEquals(Optional.of("outside the maintenance windows (Mon-Fri 22:00-06:00, Sat,Sun 00:00-24:00"
                        + " (Europe/Berlin)); the next opens Fri 2026-12-04 22:00 Europe/Berlin, it is now"
                        + " Fri 2026-12-04 09:30 Europe/Berlin"),
                NIGHTS.closedBecause(berlin("2026-12-04T09:30")));
        assertEquals(Optional.empty(), NIGHTS.closedBecause(berlin("2026-12-04T22:30")));
    }

    @Test
    void withoutWindowsARollMayBeginABrokerAtAnyTime() {
        assertTrue(MaintenanceWindows.ALWAYS.isOpen(Instant.parse("2026-12-04T12:00:00Z")));
        assertEquals(Optional.empty(), MaintenanceWindows.ALWAYS.closedBecause(Instant.EPOCH));
        assertEquals(Optional.empty(), MaintenanceWindows.ALWAYS.nextOpening(Instant.EPOCH));
    }

    @Test
    void windowsFollowTheZonesClockAcrossADaylightSavingChange() {
        MaintenanceWindows early = MaintenanceWindows.of(BERLIN, "01:00-05:00");
        // 2027-03-28 02:00-03:00 does not exist in Berlin; 01:30 local is 00:30 UTC, 04:30 local is 02:30 UTC
        assertTrue(early.isOpen(Instant.parse("2027-03-28T00:30:00Z")));
        assertTrue(early.isOpen(Instant.parse("2027-03-28T02:30:00Z")));
        assertFalse(early.isOpen(Instant.parse("2027-03-28T03:00:00Z")), "05:00 Berlin summer time");
        MaintenanceWindows inTheGap = MaintenanceWindows.of(BERLIN, "Sun 02:00-03:00");
        assertEquals(Optional.of(ZonedDateTime.of(2027, 4, 4, 2, 0, 0, 0, BERLIN)),
                inTheGap.nextOpening(berlin("2027-03-27T12:00")), "on 2027-03-28 02:00-03:00 does not exist");
    }

    @Test
    void badWindowsAreRefusedSayingWhatToWrite() {
        assertEquals("'22-06' is not a window: write [DAYS ]HH:MM-HH:MM, e.g. \"Mon-Fri 22:00-06:00\" or"
                        + " \"Sat,Sun 00:00-24:00\" or \"01:00-05:00\" (every day)",
                assertThrows(IllegalArgumentException.class, () -> MaintenanceWindows.window("22-06")).getMessage());
        assertEquals("'Mon-Fry 22:00-06:00': unknown day 'Fry' (Mon, Tue, Wed, Thu, Fri, Sat, Sun)",
                assertThrows(IllegalArgumentException.class,
                        () -> MaintenanceWindows.window("Mon-Fry 22:00-06:00")).getMessage());
        assertEquals("'25:00-06:00': 25:00 is not a time of day (00:00 to 23:59)",
                assertThrows(IllegalArgumentException.class, () -> MaintenanceWindows.window("25:00-06:00"))
                        .getMessage());
        assertEquals("'03:00-03:00' opens and closes at 03:00: for a whole day write 00:00-24:00",
                assertThrows(IllegalArgumentException.class, () -> MaintenanceWindows.window("03:00-03:00"))
                        .getMessage());
        assertEquals("'Fri-Mon 20:00-24:00'", "'" + MaintenanceWindows.window("Fri-Mon 20:00-24:00").text() + "'");
        assertEquals(4, MaintenanceWindows.window("Fri-Mon 20:00-24:00").days().size(), "a range wraps the week");
    }

    private static Plan parse(String text) {
        return new PlanParser(Map.<String, String>of()::get).read(text, "plan.yaml");
    }

    private static final String HEAD = """
            apiVersion: kupgrade/v1
            cluster:
              name: c1
              bootstrapServers: localhost:9092
            service:
              configFile: /etc/kafka/server.properties
              stop: stop
              start: start
              isRunning: is-running
            phases:
              - name: restart
            """;

    @Test
    void thePlanReadsThemFromRollout() {
        Plan plan = parse(HEAD + """
                rollout:
                  maintenanceWindows:
                    timezone: Europe/Berlin
                    times: ["Mon-Fri 22:00-06:00", "Sat,Sun 00:00-24:00"]
                """);

        assertEquals(NIGHTS, plan.rollout().windows());
        assertEquals(MaintenanceWindows.ALWAYS, parse(HEAD).rollout().windows(), "none: any time");
        assertEquals(ZoneId.of("UTC"), parse(HEAD + """
                rollout:
                  maintenanceWindows: {times: ["01:00-05:00"]}
                """).rollout().windows().zone(), "UTC by default");
    }

    @Test
    void mistakesInThemAreLocated() {
        List<String> problems = assertThrows(PlanException.class, () -> parse(HEAD + """
                rollout:
                  maintenanceWindows:
                    timezone: Europe/Berlinn
                    times:
                      - "Mon-Fri 22:00-06:00"
                      - "Mon-Fri 22-06"
                    time: []
                """)).problems().stream().map(PlanProblem::toString).toList();

        assertEquals(List.of(
                "plan.yaml:14:15: rollout.maintenanceWindows.timezone: 'Europe/Berlinn' is not a time zone (e.g. UTC,"
                        + " Europe/Berlin, America/New_York)",
                "plan.yaml:17:9: rollout.maintenanceWindows.times[1]: 'Mon-Fri 22-06' is not a window: write"
                        + " [DAYS ]HH:MM-HH:MM, e.g. \"Mon-Fri 22:00-06:00\" or \"Sat,Sun 00:00-24:00\" or"
                        + " \"01:00-05:00\" (every day)",
                "plan.yaml:18:5: rollout.maintenanceWindows.time: unknown field 'time' — did you mean 'times'?"),
                problems);
        assertEquals(List.of("plan.yaml:13:31: rollout.maintenanceWindows.times: no window given: list at least"
                        + " one (e.g. \"Mon-Fri 22:00-06:00\"), or leave maintenanceWindows out to roll at any time"),
                assertThrows(PlanException.class, () -> parse(HEAD + """
                        rollout:
                          maintenanceWindows: {times: []}
                        """)).problems().stream().map(PlanProblem::toString).toList());
    }
}
