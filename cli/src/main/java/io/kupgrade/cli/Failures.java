package io.kupgrade.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/** Classifies exceptions from the layers below into exit codes, printing one line for people. */
final class Failures {
    private Failures() {
    }

    static ExitCode classify(Exception ex, PrintWriter err) {
        if (ex instanceof NoSuchFileException nsf) {
            err.println("kupgrade: no such file: " + nsf.getFile());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof java.io.UncheckedIOException uio && uio.getCause() instanceof NoSuchFileException nsf) {
            err.println("kupgrade: no such file: " + nsf.getFile());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof io.kupgrade.orchestrator.lock.LockHeldException lh) {
            err.println("kupgrade: " + lh.getMessage());
            return ExitCode.LOCKED;
        }
        if (ex instanceof io.kupgrade.orchestrator.engine.RollbackRefusedException rr) {
            err.println("kupgrade: " + rr.getMessage());
            return ExitCode.REFUSED;
        }
        if (ex instanceof io.kupgrade.orchestrator.engine.RunRefusedException rr) {
            err.println("kupgrade: " + rr.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof io.kupgrade.orchestrator.topics.TopicFormatRefusedException tf) {
            err.println("kupgrade topic-format: " + tf.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof io.kupgrade.orchestrator.pause.ClusterPausedException cp) {
            err.println("kupgrade: " + cp.getMessage());
            return ExitCode.HALTED;
        }
        if (ex instanceof io.kupgrade.orchestrator.state.StateAccessDeniedException sad) {
            err.println("kupgrade: " + sad.getMessage());
            return ExitCode.UNREACHABLE;
        }
        if (ex instanceof io.kupgrade.gates.ClusterUnreachableException cu) {
            err.println("kupgrade: cluster unreachable: " + cu.getMessage());
            return ExitCode.UNREACHABLE;
        }
        if (ex instanceof io.kupgrade.orchestrator.executor.HostUnreachableException
                || ex instanceof io.kupgrade.orchestrator.executor.HostAccessException
                || ex instanceof io.kupgrade.orchestrator.executor.HostKeyRejectedException) {
            err.println("kupgrade: " + ex.getMessage());
            return ExitCode.UNREACHABLE;
        }
        if (ex instanceof io.kupgrade.agent.AgentConfigException ace) {
            err.println("kupgrade agent: " + ace.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof io.kupgrade.sandbox.SandboxException se) {
            err.println("kupgrade: sandbox: " + se.getMessage());
            return ExitCode.FAILED;
        }
        err.println("kupgrade: internal error: " + ex);
        return ExitCode.INTERNAL_ERROR;
    }
}
