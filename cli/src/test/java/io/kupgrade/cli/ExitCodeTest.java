package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodeTest {

    @Test
    void runOutcomesMapToTheirDocumentedCodes() {
        assertEquals(0, ApplyCommand.exitCode(OutcomeKind.DONE).code());
        assertEquals(3, ApplyCommand.exitCode(OutcomeKind.HALTED).code());
        assertEquals(3, ApplyCommand.exitCode(OutcomeKind.DECLINED).code());
        assertEquals(4, ApplyCommand.exitCode(OutcomeKind.FAILED).code());
        assertEquals(130, ApplyCommand.exitCode(OutcomeKind.INTERRUPTED).code());
    }

    @Test
    void everyCodeIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "exit-codes.md"));
        for (ExitCode c : ExitCode.values()) {
            assertTrue(doc.contains("| " + c.code() + " | " + c.name() + " |"), c + " missing from docs/exit-codes.md");
        }
        assertEquals(ExitCode.values().length, Arrays.stream(ExitCode.values()).map(ExitCode::code).distinct().count());
    }
}
