package io.kupgrade.orchestrator.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kupgrade.plans.MaintenanceWindows;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code plan} says of {@code rollout.maintenanceWindows} (2026-12-04 is a Friday). */
class PreviewWindowsTest {
    static final MaintenanceWindows NIGHTS = MaintenanceWindows.of(ZoneId.of("Europe/Berlin"), "Mon-Fri 22:00-06:00");

    @Test
    void saysWhetherAnApplyStartedNowWouldBeginABrokerAndUntilOrFromWhen() {
        assertEquals(Optional.of("maintenance windows Mon-Fri 22:00-06:00 (Europe/Berlin): a broker, batch, phase or"
                        + " finalize is begun only inside one, and one begun is finished after it closes; now outside"
                        + " every one, the next opens Fri 2026-12-04 22:00 Europe/Berlin: until then apply begins no"
                        + " broker (it finishes one a halted run left half-done)"),
                PreviewService.windowsNote(NIGHTS, Instant.parse("2026-12-04T10:00:00Z")));
        assertEquals(Optional.of("maintenance windows Mon-Fri 22:00-06:00 (Europe/Berlin): a broker, batch, phase or"
                        + " finalize is begun only inside one, and one begun is finished after it closes; now inside"
                        + " one, until Sat 2026-12-05 06:00 Europe/Berlin"),
                PreviewService.windowsNote(NIGHTS, Instant.parse("2026-12-04T22:00:00Z")));
        assertEquals(Optional.empty(), PreviewService.windowsNote(MaintenanceWindows.ALWAYS, Instant.EPOCH));
    }
}
