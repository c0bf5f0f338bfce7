package io.kupgrade.plans;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads a plan file strictly: unknown keys (with a suggestion for near misses), duplicate keys, wrong types,
 * missing fields, bad durations/percentages/versions and Kafka property names that Kafka does not know are
 * all reported, each located by file, line, column and field path; every problem of a file is collected and
 * thrown as one {@link PlanException}. Defaults are those of {@code docs/plan-reference.md}.
 *
 * <p>Secret references ({@code ${env:NAME}}, {@code ${file:PATH}}) are not resolved here, only by
 * {@link Secret#reveal()}, so a plan can be checked where the secrets are not available.
 *
 * <p>Instances are immutable and thread-safe; the static methods use the process environment.
 */
public final class PlanParser {
    /** The only plan format version this release reads. */
    public static final String API_VERSION = "kupgrade/v1";

    private final Function<String, String> environment;

    /**
     * A parser whose secrets resolve {@code ${env:NAME}} with {@code environment} (tests pass a map's
     * {@code get}; {@link #parse(Path)} uses {@link System#getenv(String)}).
     */
    public PlanParser(Function<String, String> environment) {
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * Reads and validates the plan in {@code file}.
     *
     * @throws PlanException when the file cannot be read or the plan is invalid; never for warnings, which
     *     are in {@link Plan#warnings()}
     */
    public static Plan parse(Path file) {
        return new PlanParser(System::getenv).read(file);
    }

    /**
     * Reads and validates plan text; {@code fileName} is used in problem locations and as the plan's source.
     * Relative {@code ${file:...}} references resolve against the file name's directory.
     *
     * @throws PlanException when the plan is invalid
     */
    public static Plan parse(String text, String fileName) {
        return new PlanParser(System::getenv).read(text, fileName);
    }

    /** As {@link #parse(Path)}, with this parser's environment. */
    public Plan read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw single(file.toString(), "cannot read the plan: no such file");
        } catch (IOException e) {
            throw single(file.toString(), "cannot read the plan: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw single(file.toString(), "the plan is not UTF-8 text");
        }
        return read(file, text, sha256(bytes));
    }

    /** As {@link #parse(String, String)}, with this parser's environment. */
    public Plan read(String text, String fileName) {
        return read(Path.of(fileName), text, sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    private Plan read(Path source, String text, String sha256) {
        Problems problems = new Problems(source.toString());
        YamlNode root = new YamlTreeReader(problems).read(text);
        if (root == null) {
            problems.throwIfErrors();
        }
        Path baseDir = source.toAbsolutePath().getParent();
        return new PlanBinder(problems, baseDir, environment).bind(root, source, sha256);
    }

    private static PlanException single(String file, String message) {
        return new PlanException(List.of(new PlanProblem(file, 0, 0, "", message)));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
