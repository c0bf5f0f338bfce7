package io.kupgrade.cli;

import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;

/** Classifies exceptions from the layers below into exit codes, printing one line for people. */
final class Failures {
    private Failures() {
    }

    private static String why(java.nio.file.FileSystemException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists";
        }
        return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
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
        if (ex instanceof io.kupgrade.gates.ClientSettingsException cs) {
            err.println("kupgrade: " + cs.getMessage());
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof io.kupgrade.orchestrator.journal.JournalDamagedException jd) {
            err.println("kupgrade: " + jd.getMessage() + ". Nothing was done; repair or move the entry away (keep a"
                    + " copy: it is the record of what was rolled)");
            return ExitCode.INVALID_INPUT;
        }
        if (ex instanceof java.io.UncheckedIOException uio) {
            // a local file the machine would not read or write (permissions, a file where a directory belongs, a
            // directory where a file belongs, a name too long): the state directory or a path to fix, not a bug
            err.println("kupgrade: " + uio.getMessage() + (uio.getCause() instanceof java.nio.file.FileSystemException
                    fse ? " (" + why(fse) + ")" : ""));
            return ExitCode.INVALID_INPUT;
        }
        err.println("kupgrade: internal error: " + ex);
        return ExitCode.INTERNAL_ERROR;
    }
}
