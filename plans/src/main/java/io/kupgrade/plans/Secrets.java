package io.kupgrade.plans;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link Secret}s from plan values. A value may hold references {@code ${env:NAME}} and
 * {@code ${file:PATH}} (alone or inside text, e.g. a JAAS line); they are resolved only by
 * {@link Secret#reveal()}, so that {@code kupgrade plan} works in CI without the secrets.
 * {@code ${file:PATH}} is relative to the plan file's directory; {@code ~/} means the user's home; one
 * trailing newline of the file is dropped (secret files usually end with one).
 */
final class Secrets {
    static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String MASK = "******";
    private static final List<String> SENSITIVE_WORDS = List.of("password", "secret", "token", "jaas", "key",
            "passphrase", "credential");

    private Secrets() {
    }

    /** Whether a property name looks like it holds a secret (password, secret, token, jaas, key, ...). */
    static boolean looksSensitive(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return SENSITIVE_WORDS.stream().anyMatch(k::contains);
    }

    /**
     * A secret for {@code text}, or null when a reference in it is malformed (the problem is recorded).
     *
     * @param sensitive whether a literal value must be masked
     */
    static Secret of(String text, boolean sensitive, YamlNode at, String path, Problems problems,
                     Path baseDir, Function<String, String> env) {
        Matcher m = REFERENCE.matcher(text);
        boolean ok = true;
        boolean any = false;
        while (m.find()) {
            any = true;
            String name = m.group(2);
            if (m.group(1).equals("env") && !ENV_NAME.matcher(name).matches()) {
                problems.error(at, path, "invalid environment variable name in '" + m.group()
                        + "': use ${env:NAME} with letters, digits and '_'");
                ok = false;
            } else if (name.isBlank()) {
                problems.error(at, path, "empty file path in '" + m.group() + "'");
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        if (!any && (text.contains("${env:") || text.contains("${file:"))) {
            problems.error(at, path, "unterminated secret reference: write ${env:NAME} or ${file:PATH}");
            return null;
        }
        return new PlanSecret(text, sensitive, problems.file(), at.line(), at.column(), path, baseDir, env);
    }

    /** A secret value from a plan; immutable, thread-safe. */
    private static final class PlanSecret implements Secret {
        private final String template;
        private final boolean sensitive;
        private final String file;
        private final int line;
        private final int column;
        private final String path;
        private final Path baseDir;
        private final Function<String, String> env;

        PlanSecret(String template, boolean sensitive, String file, int line, int column, String path,
                   Path baseDir, Function<String, String> env) {
            this.template = template;
            this.sensitive = sensitive;
            this.file = file;
            this.line = line;
            this.column = column;
            this.path = path;
            this.baseDir = baseDir;
            this.env = env;
        }

        @Override
        public String reveal() {
            Matcher m = REFERENCE.matcher(template);
            StringBuilder b = new StringBuilder();
            List<PlanProblem> failures = new ArrayList<>();
            while (m.find()) {
                String value = m.group(1).equals("env") ? fromEnv(m.group(2), failures) : fromFile(m.group(2), failures);
                m.appendReplacement(b, Matcher.quoteReplacement(value == null ? "" : value));
            }
            m.appendTail(b);
            if (!failures.isEmpty()) {
                throw new PlanException(failures);
            }
            return b.toString();
        }

        private String fromEnv(String name, List<PlanProblem> failures) {
            String value = env.apply(name);
            if (value == null) {
                failures.add(new PlanProblem(file, line, column, path,
                        "environment variable " + name + " is not set (referenced as ${env:" + name + "})"));
            }
            return value;
        }

        private String fromFile(String name, List<PlanProblem> failures) {
            Path p = resolve(name);
            try {
                String value = Files.readString(p, StandardCharsets.UTF_8);
                if (value.endsWith("\r\n")) {
                    return value.substring(0, value.length() - 2);
                }
                return value.endsWith("\n") ? value.substring(0, value.length() - 1) : value;
            } catch (IOException | RuntimeException e) {
                // never the content: only which file and why
                failures.add(new PlanProblem(file, line, column, path, "cannot read secret file " + p + " ("
                        + reason(e) + ")"));
                return null;
            }
        }

        private static String reason(Exception e) {
            if (e instanceof java.nio.file.NoSuchFileException) {
                return "no such file";
            }
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof java.nio.charset.MalformedInputException) {
                return "not UTF-8 text";
            }
            if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
                return fse.getReason();
            }
            if (e instanceof java.io.IOException && e.getMessage() != null && !e.getMessage().contains("/")) {
                return e.getMessage(); // "Is a directory"; a message that names a path could name the secret's
            }
            return e.getClass().getSimpleName();
        }

        private Path resolve(String name) {
            if (name.startsWith("~/")) {
                return Path.of(System.getProperty("user.home")).resolve(name.substring(2));
            }
            Path p = Path.of(name);
            return p.isAbsolute() || baseDir == null ? p : baseDir.resolve(p);
        }

        @Override
        public String masked() {
            Matcher m = REFERENCE.matcher(template);
            if (m.matches()) {
                return template;
            }
            if (sensitive) {
                return MASK;
            }
            return template;
        }

        @Override
        public String toString() {
            return masked();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PlanSecret && ((PlanSecret) o).template.equals(template)
                    && ((PlanSecret) o).sensitive == sensitive;
        }

        @Override
        public int hashCode() {
            return template.hashCode();
        }
    }
}
