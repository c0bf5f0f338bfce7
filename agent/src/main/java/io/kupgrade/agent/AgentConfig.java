package io.kupgrade.agent;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * The agent's configuration, written by the operator on the broker host (kupgrade never sends it). Loaded from
 * YAML by {@link #load(Path)}; unknown and duplicate keys are errors, as in plans. Example:
 *
 * <pre>
 * address: 0.0.0.0            # default 0.0.0.0
 * port: 7070                  # required; 0 picks a free port (tests)
 * tokenFile: /etc/kupgrade-agent/token      # required: the bearer token, one line, 16+ characters
 * tls:                        # optional: HTTPS; with a truststore, clients must present a certificate
 *   keystore: /etc/kupgrade-agent/agent.p12
 *   keystorePasswordFile: /etc/kupgrade-agent/keystore.pass
 *   truststore: /etc/kupgrade-agent/clients.p12          # optional: mutual TLS
 *   truststorePasswordFile: /etc/kupgrade-agent/truststore.pass
 * configFile: /opt/kafka/config/server.properties      # the only file the agent reads or writes
 * commands:                   # argument vectors, run without a shell
 *   stop: [/opt/kafka/bin/kafka-server-stop.sh]
 *   start: [/opt/kafka/bin/kafka-server-start.sh, -daemon, /opt/kafka/config/server.properties]
 *   isRunning: [pgrep, -f, kafka\.Kafka]
 * installs:                   # name -> command and one pattern per argument the caller may pass
 *   switch-version:
 *     command: [/opt/kafka/bin/switch-version]
 *     args: ['^[0-9]+\.[0-9]+\.[0-9]+$']
 * maxCommandTimeout: 10m      # default 10m: a caller's timeout is capped to this
 * maxOutputBytes: 65536       # default 64 KiB per stream, the rest is cut from the middle
 * </pre>
 *
 * Immutable and thread-safe.
 *
 * @param address the address to listen on
 * @param port the TCP port, 0 for any free one
 * @param tokenFile the file holding the bearer token (read when the server starts)
 * @param tls HTTPS settings; null for plain HTTP with the token only
 * @param configFile the broker's server.properties, absolute
 * @param stop the stop command line
 * @param start the start command line
 * @param isRunning a command line that exits 0 while the broker runs
 * @param installs allowed install commands by name
 * @param maxCommandTimeout the longest a command may run
 * @param maxOutputBytes bytes of stdout (and of stderr) returned per command
 * @param source where the values were written, so that a problem found only when the server starts (the token
 *     file, TLS material, the address) is reported at its line; {@link Source#NONE} for a configuration built
 *     in code
 */
public record AgentConfig(String address, int port, Path tokenFile, Tls tls, Path configFile, List<String> stop,
                          List<String> start, List<String> isRunning, Map<String, Install> installs,
                          Duration maxCommandTimeout, int maxOutputBytes, Source source) {

    /** Default {@link #maxCommandTimeout}. */
    public static final Duration DEFAULT_MAX_COMMAND_TIMEOUT = Duration.ofMinutes(10);
    /** Default {@link #maxOutputBytes}. */
    public static final int DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;

    private static final Pattern INSTALL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** @throws IllegalArgumentException for a value out of range (the message names the field) */
    public AgentConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(configFile, "configFile");
        Objects.requireNonNull(maxCommandTimeout, "maxCommandTimeout");
        source = source == null ? Source.NONE : source;
        if (port < 0 || port > 65535) {
            throw new InvalidValue("port", port + " is not a TCP port");
        }
        if (!configFile.isAbsolute()) {
            throw new InvalidValue("configFile", "must be an absolute path, got " + configFile);
        }
        stop = commandLine(stop, "commands.stop");
        start = commandLine(start, "commands.start");
        isRunning = commandLine(isRunning, "commands.isRunning");
        installs = Map.copyOf(installs == null ? Map.of() : installs);
        for (String name : installs.keySet()) {
            if (!INSTALL_NAME.matcher(name).matches()) {
                throw new InvalidValue("installs." + name, "a name is letters, digits, '.', '_', '-'");
            }
        }
        if (maxCommandTimeout.isNegative() || maxCommandTimeout.isZero()) {
            throw new InvalidValue("maxCommandTimeout", "must be positive");
        }
        if (maxOutputBytes < 1024) {
            throw new InvalidValue("maxOutputBytes", "must be at least 1024, got " + maxOutputBytes);
        }
    }

    /** A configuration built in code, not read from a file. */
    public AgentConfig(String address, int port, Path tokenFile, Tls tls, Path configFile, List<String> stop,
                       List<String> start, List<String> isRunning, Map<String, Install> installs,
                       Duration maxCommandTimeout, int maxOutputBytes) {
        this(address, port, tokenFile, tls, configFile, stop, start, isRunning, installs, maxCommandTimeout,
                maxOutputBytes, Source.NONE);
    }

    /**
     * An allowed install command: the caller names it and passes exactly one argument per pattern, each
     * matching its pattern in full; the agent runs {@code command} followed by those arguments.
     */
    public record Install(List<String> command, List<Pattern> args) {
        public Install {
            command = List.copyOf(command);
            args = List.copyOf(args);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("command must not be empty");
            }
        }

        /** Why {@code values} may not be passed to this install, or null when they may. */
        public String refusal(List<String> values) {
            if (values.size() != args.size()) {
                return "takes " + args.size() + " argument(s), got " + values.size();
            }
            for (int i = 0; i < values.size(); i++) {
                Matcher m = args.get(i).matcher(values.get(i));
                if (!m.matches()) {
                    return "argument " + (i + 1) + " does not match " + args.get(i).pattern();
                }
            }
            return null;
        }
    }

    /**
     * HTTPS settings: the agent's own key and certificate, and optionally the CA/certificates clients must
     * present (mutual TLS). Keystores are PKCS12 (or JKS); passwords are read from files.
     */
    public record Tls(Path keystore, Path keystorePasswordFile, Path truststore, Path truststorePasswordFile) {
        public Tls {
            Objects.requireNonNull(keystore, "tls.keystore");
            Objects.requireNonNull(keystorePasswordFile, "tls.keystorePasswordFile");
            if (truststore != null && truststorePasswordFile == null) {
                throw new InvalidValue("tls.truststorePasswordFile", "required with tls.truststore");
            }
        }

        /** True when clients must present a certificate the truststore trusts. */
        public boolean mutual() {
            return truststore != null;
        }
    }

    private static List<String> commandLine(List<String> line, String field) {
        if (line == null || line.isEmpty()) {
            throw new InvalidValue(field, "required, a list such as [/opt/kafka/bin/kafka-server-stop.sh]");
        }
        for (String arg : line) {
            if (arg == null || arg.indexOf('\0') >= 0) {
                throw new InvalidValue(field, "an argument is empty or contains NUL");
            }
        }
        if (line.get(0).isBlank()) {
            throw new InvalidValue(field, "the program name is blank");
        }
        return List.copyOf(line);
    }

    /**
     * Reads and validates the YAML file. Relative paths inside it resolve against the file's directory.
     *
     * @throws AgentConfigException with one located line ({@code FILE: line L, column C: field: problem}) for a
     *     missing file, bad YAML, an unknown key, a missing field or a bad value
     */
    public static AgentConfig load(Path file) {
        String name = file.toString();
        String text = readText(file, name);
        Source source = Source.read(name, text);
        if (text.isBlank() || source.isEmpty()) {
            throw new AgentConfigException(name + ": the file is empty");
        }
        Raw raw;
        try {
            raw = mapper().readValue(text, Raw.class);
        } catch (UnrecognizedPropertyException e) {
            throw new AgentConfigException(located(name, e) + "unknown key '" + e.getPropertyName() + "' (known: "
                    + e.getKnownPropertyIds() + ")");
        } catch (MismatchedInputException e) {
            throw new AgentConfigException(located(name, e) + mismatch(e, source));
        } catch (JsonMappingException e) {
            String path = fieldPath(e.getPath());
            if (e.getCause() instanceof InputCoercionException) {
                String got = source.describe(path, false);
                throw new AgentConfigException(source.locate(path) + (got == null ? "the number" : got)
                        + " is too large");
            }
            if (e.getCause() instanceof JsonProcessingException syntax) {
                // a syntax error met while binding a value: the mapper wraps the parser's exception
                throw new AgentConfigException(syntaxError(name, text, syntax));
            }
            throw new AgentConfigException(located(name, e) + firstLine(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new AgentConfigException(syntaxError(name, text, e));
        }
        if (raw == null) {
            throw new AgentConfigException(name + ": line 1, column 1: expected a mapping of settings such as"
                    + " 'port: 7070', got nothing");
        }
        oneDocument(name, text);
        Path base = file.toAbsolutePath().getParent();
        try {
            return raw.bind(base, source);
        } catch (InvalidValue e) {
            throw new AgentConfigException(source.locate(e.field) + e.problem);
        } catch (IllegalArgumentException e) {
            throw new AgentConfigException(name + ": " + e.getMessage());
        }
    }

    /**
     * The binding reads the first YAML document only: settings after a {@code ---} would be ignored without a word
     * (the plan parser refuses them the same way).
     */
    private static void oneDocument(String name, String text) {
        try (JsonParser p = new YAMLFactory().createParser(text)) {
            p.nextToken();
            p.skipChildren();
            JsonToken next = p.nextToken();
            while (next == JsonToken.VALUE_NULL) {
                next = p.nextToken(); // an empty document ("---" at the end, or before a comment) holds no setting
            }
            if (next != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new AgentConfigException(name + ": line " + at.getLineNr() + ", column " + at.getColumnNr()
                        + ": the agent's file holds one YAML document; found a second one (remove the '---' and keep"
                        + " the settings in one mapping)");
            }
        } catch (JsonProcessingException e) {
            throw new AgentConfigException(syntaxError(name, text, e));
        } catch (IOException e) {
            throw new AgentConfigException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** The file's text; a file that is not UTF-8 (a binary, a UTF-16 file) is refused at its first bad byte's line. */
    private static String readText(Path file, String name) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AgentConfigException(name + ": " + (e instanceof NoSuchFileException ? "" : "cannot read: ")
                    + reason(e));
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = utf8.decode(in, out, true);
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new AgentConfigException(name + ": line " + line + ": not UTF-8 text (is it the agent's YAML file?)");
        }
        utf8.flush(out);
        return out.flip().toString();
    }

    /** Why a file could not be read, in words: the exceptions of {@code java.nio.file} often say only the path. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
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
        return String.valueOf(e.getMessage());
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper(new YAMLFactory());
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT); // port: 7070.5 is a mistake, not port 7070
        m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        return m;
    }

    private static String located(String file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        StringBuilder b = new StringBuilder(file).append(": ");
        if (at != null && at.getLineNr() > 0) {
            b.append("line ").append(at.getLineNr()).append(", column ").append(at.getColumnNr()).append(": ");
        }
        if (e instanceof JsonMappingException) {
            String path = fieldPath(((JsonMappingException) e).getPath());
            if (!path.isEmpty()) {
                b.append(path).append(": ");
            }
        }
        return b.toString();
    }

    /**
     * A value of the wrong kind, in the words of the YAML file: Jackson's own message names the Java classes
     * behind it ({@code java.util.ArrayList}), which are not the configuration's language.
     */
    private static String mismatch(MismatchedInputException e, Source source) {
        Class<?> target = e.getTargetType();
        boolean container;
        String expected;
        if (target == Raw.class) {
            container = true;
            expected = "a mapping of settings such as 'port: 7070'";
        } else if (target != null && Collection.class.isAssignableFrom(target)) {
            container = true;
            expected = "a list of strings";
        } else if (target != null
                && (Map.class.isAssignableFrom(target) || target.getEnclosingClass() == AgentConfig.class)) {
            container = true;
            expected = "a mapping";
        } else if (target == Integer.class || target == int.class) {
            container = false;
            expected = "a whole number";
        } else if (target == String.class) {
            container = false;
            expected = "a string";
        } else {
            container = false;
            expected = "a value of another kind";
        }
        String got = source.describe(fieldPath(e.getPath()), container);
        return "expected " + expected + (got == null ? "" : ", got " + got);
    }

    /** A YAML syntax error as one line at the problem's line and column (SnakeYAML's message spans several). */
    private static String syntaxError(String file, String text, JsonProcessingException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MarkedYAMLException yaml) {
            Mark mark = yaml.getProblemMark() != null ? yaml.getProblemMark() : yaml.getContextMark();
            String problem = yaml.getProblem() != null ? yaml.getProblem() : yaml.getContext();
            String at = mark == null ? file + ": "
                    : file + ": line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1) + ": ";
            if (problem != null && problem.contains("\\t(TAB)")) {
                return at + "a tab character: tabs are not allowed for indentation in YAML, use spaces";
            }
            Mark context = yaml.getContextMark();
            String where = context != null && mark != null && context.getLine() != mark.getLine()
                    ? " started on line " + (context.getLine() + 1) + ", column " + (context.getColumn() + 1) : "";
            String during = yaml.getContext() != null && yaml.getProblem() != null
                    ? " (" + yaml.getContext() + where + ")" : "";
            return at + "not valid YAML: " + oneLine(problem) + during;
        }
        if (cause instanceof ReaderException reader) {
            // a character YAML does not allow at all, such as NUL: binary content
            int line = 1;
            int column = 1;
            int index = 0;
            for (int i = 0; i < text.length() && index < reader.getPosition(); i = text.offsetByCodePoints(i, 1)) {
                index++;
                if (text.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else {
                    column++;
                }
            }
            return file + ": line " + line + ", column " + column + ": "
                    + String.format("the character U+%04X is not allowed in YAML (is it a text file?)",
                            reader.getCodePoint());
        }
        return located(file, e) + "not valid YAML: " + firstLine(e.getOriginalMessage());
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.split("\n")[0];
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable YAML" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }

    private static String fieldPath(List<JsonMappingException.Reference> refs) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** A value out of range or missing, found after parsing; located by {@link Source#locate(String)}. */
    static final class InvalidValue extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String field;
        final String problem;

        InvalidValue(String field, String problem) {
            super(field + ": " + problem);
            this.field = field;
            this.problem = problem;
        }
    }

    /**
     * Where a configuration file's values were written: the file, and the line, column and kind of each value
     * by field path ({@code tls.keystore}, {@code installs.NAME.args[0]}). Immutable and thread-safe.
     */
    public static final class Source {
        /** The source of a configuration built in code: problems name the field only. */
        public static final Source NONE = new Source(null, Map.of(), false);

        private final String file;
        private final Map<String, Value> values;
        private final boolean empty;

        /** Where a value was written (for a mapping, its key), and its kind and text. */
        private record Value(int line, int column, JsonToken token, String text) {
        }

        private Source(String file, Map<String, Value> values, boolean empty) {
            this.file = file;
            this.values = Map.copyOf(values);
            this.empty = empty;
        }

        /** Reads where each value of {@code text} is; text that is not YAML gives what was read before the error. */
        static Source read(String file, String text) {
            Map<String, Value> values = new HashMap<>();
            boolean empty = false;
            try (JsonParser p = new YAMLFactory().createParser(text)) {
                if (p.nextToken() == null) {
                    empty = true;
                } else {
                    values.put("", value(p, p.currentTokenLocation()));
                    walk(p, "", values);
                }
            } catch (IOException e) {
                // the mapper reports the problem; only the locations after it are missing
            }
            return new Source(file, values, empty);
        }

        private static void walk(JsonParser p, String path, Map<String, Value> values) throws IOException {
            if (p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation key = p.currentTokenLocation();
                    String child = path.isEmpty() ? p.currentName() : path + "." + p.currentName();
                    JsonToken token = p.nextToken();
                    JsonLocation at = token == JsonToken.START_OBJECT ? key : p.currentTokenLocation();
                    values.putIfAbsent(child, value(p, at));
                    walk(p, child, values);
                }
            } else if (p.currentToken() == JsonToken.START_ARRAY) {
                for (int i = 0; p.nextToken() != JsonToken.END_ARRAY; i++) {
                    String child = path + "[" + i + "]";
                    values.putIfAbsent(child, value(p, p.currentTokenLocation()));
                    walk(p, child, values);
                }
            }
        }

        private static Value value(JsonParser p, JsonLocation at) throws IOException {
            JsonToken token = p.currentToken();
            return new Value(at.getLineNr(), at.getColumnNr(), token, token.isScalarValue() ? p.getText() : null);
        }

        /** True when the file holds no YAML value at all (nothing, or only comments). */
        boolean isEmpty() {
            return empty;
        }

        /**
         * The start of a one-line error about {@code field}: {@code FILE: line L, column C: field: }, at the
         * field's value or, when it was not written, at its nearest written parent ({@code field: } alone for
         * {@link #NONE}).
         */
        String locate(String field) {
            if (file == null) {
                return field + ": ";
            }
            Value at = null;
            for (String p = field; at == null && p != null; p = parent(p)) {
                at = values.get(p);
            }
            StringBuilder b = new StringBuilder(file).append(": ");
            if (at != null && at.line() > 0) {
                b.append("line ").append(at.line()).append(", column ").append(at.column()).append(": ");
            }
            return b.append(field).append(": ").toString();
        }

        /**
         * What was written at {@code path} in the file's words ({@code 'x'}, {@code 1.5}, {@code a list}); a
         * string is {@code a string} where a list or mapping was expected. Null when not known.
         */
        String describe(String path, boolean containerExpected) {
            Value v = values.get(path);
            if (v == null) {
                return null;
            }
            switch (v.token()) {
                case START_OBJECT:
                    return "a mapping";
                case START_ARRAY:
                    return "a list";
                case VALUE_NULL:
                    return "nothing";
                case VALUE_STRING:
                    if (containerExpected) {
                        return "a string";
                    }
                    return "'" + (v.text().length() > 60 ? v.text().substring(0, 57) + "..." : v.text()) + "'";
                default:
                    return v.text();
            }
        }

        private static String parent(String path) {
            int i = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
            return i <= 0 ? null : path.substring(0, i);
        }

        @Override
        public String toString() {
            return file == null ? "(built in code)" : file;
        }
    }

    /** The file as written, before validation. Field names are the YAML keys. */
    static final class Raw {
        public String address;
        public Integer port;
        public String tokenFile;
        public RawTls tls;
        public String configFile;
        public RawCommands commands;
        public LinkedHashMap<String, RawInstall> installs;
        public String maxCommandTimeout;
        public Integer maxOutputBytes;

        AgentConfig bind(Path base, Source source) {
            if (port == null) {
                throw new InvalidValue("port", "required (0 picks a free port)");
            }
            if (tokenFile == null || tokenFile.isBlank()) {
                throw new InvalidValue("tokenFile", "required (a file holding the bearer token)");
            }
            if (configFile == null || configFile.isBlank()) {
                throw new InvalidValue("configFile", "required (the broker's server.properties)");
            }
            if (commands == null) {
                throw new InvalidValue("commands", "required (stop, start, isRunning)");
            }
            Map<String, Install> bound = new LinkedHashMap<>();
            if (installs != null) {
                for (Map.Entry<String, RawInstall> e : installs.entrySet()) {
                    if (e.getValue() == null) {
                        throw new InvalidValue("installs." + e.getKey(), "needs command and args");
                    }
                    bound.put(e.getKey(), e.getValue().bind("installs." + e.getKey()));
                }
            }
            Tls boundTls = null;
            if (tls != null) {
                if (tls.keystore == null || tls.keystorePasswordFile == null) {
                    throw new InvalidValue("tls", "keystore and keystorePasswordFile are required");
                }
                boundTls = new Tls(resolve(base, tls.keystore), resolve(base, tls.keystorePasswordFile),
                        tls.truststore == null ? null : resolve(base, tls.truststore),
                        tls.truststorePasswordFile == null ? null : resolve(base, tls.truststorePasswordFile));
            }
            return new AgentConfig(address == null ? "0.0.0.0" : address, port, resolve(base, tokenFile), boundTls,
                    Path.of(configFile), commands.stop, commands.start, commands.isRunning, bound,
                    maxCommandTimeout == null ? DEFAULT_MAX_COMMAND_TIMEOUT
                            : duration(maxCommandTimeout, "maxCommandTimeout"),
                    maxOutputBytes == null ? DEFAULT_MAX_OUTPUT_BYTES : maxOutputBytes, source);
        }

        private static Path resolve(Path base, String path) {
            Path p = Path.of(path);
            return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
        }
    }

    static final class RawTls {
        public String keystore;
        public String keystorePasswordFile;
        public String truststore;
        public String truststorePasswordFile;
    }

    static final class RawCommands {
        public List<String> stop;
        public List<String> start;
        public List<String> isRunning;
    }

    static final class RawInstall {
        public List<String> command;
        public List<String> args;

        Install bind(String field) {
            if (command == null || command.isEmpty()) {
                throw new InvalidValue(field + ".command", "required, a list such as [/opt/bin/switch]");
            }
            List<Pattern> patterns = new ArrayList<>();
            List<String> given = args == null ? List.of() : args;
            for (int i = 0; i < given.size(); i++) {
                String regex = given.get(i);
                if (regex == null || regex.isEmpty()) {
                    throw new InvalidValue(field + ".args[" + i + "]", "empty pattern");
                }
                try {
                    patterns.add(Pattern.compile(regex));
                } catch (PatternSyntaxException e) {
                    throw new InvalidValue(field + ".args[" + i + "]", "not a regular expression: "
                            + e.getDescription());
                }
            }
            return new Install(command, patterns);
        }
    }

    static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidValue(field, "'" + text + "' is not a duration such as 30s, 5m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        switch (m.group(2)) {
            case "ms":
                return Duration.ofMillis(n);
            case "s":
                return Duration.ofSeconds(n);
            case "m":
                return Duration.ofMinutes(n);
            default:
                return Duration.ofHours(n);
        }
    }
}
