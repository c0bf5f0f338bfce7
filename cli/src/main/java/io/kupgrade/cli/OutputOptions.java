package io.kupgrade.cli;

import picocli.CommandLine.Option;

/** Shared option: {@code -o text|json}. */
public final class OutputOptions {
    public enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format = Format.text;

    public boolean json() {
        return format == Format.json;
    }
}
