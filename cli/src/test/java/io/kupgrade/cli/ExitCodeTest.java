package io.kupgrade.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kupgrade.orchestrator.engine.OutcomeKind;
import io.kupgrade.orchestrator.state.StateAccessDeniedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
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
    void aStateStoreThatRefusesTheRunIsUnreachableInOneLine() {
        StringWriter err = new StringWriter();

        ExitCode code = Failures.classify(new StateAccessDeniedException("ZooKeeper refuses kupgrade's state at"
                + " zk:2181/kupgrade/prod to this session (NoAuth)"), new PrintWriter(err, true));

        assertEquals(ExitCode.UNREACHABLE, code);
        assertEquals("kupgrade: ZooKeeper refuses kupgrade's state at zk:2181/kupgrade/prod to this session (NoAuth)",
                err.toString().strip());
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
