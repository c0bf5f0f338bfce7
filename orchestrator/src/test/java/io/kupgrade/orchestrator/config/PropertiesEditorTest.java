package io.kupgrade.orchestrator.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PropertiesEditorTest {

    private static final String SERVER_PROPERTIES = """
            # Licensed to the Apache Software Foundation
            ############################# Server Basics #############################

            # The id of the broker.
            broker.id=1
            listeners = PLAINTEXT://:9092

            log.dirs: /var/lib/kafka
            num.network.threads 3
            inter.broker.protocol.version=3.8
            """;

    @ParameterizedTest
    @ValueSource(strings = {
        "$(rm -rf /)", "`id`", "'single' \"double\"", "back\\slash\\", "\\", "a=b:c", "=starts with equals",
        ":starts with colon", "  leading spaces", "trailing spaces  ", "\ttab", "#not a comment", "!bang",
        "unicode é ü 日本 😀", "\\u0041 literal", "a\\nb", "", " ", "x\fy", "\u0001control", "ends with \\\\"})
    void shouldWriteValuesThatPropertiesReadsBackExactly(String value) throws IOException {
        String edited = PropertiesEditor.apply(SERVER_PROPERTIES, Map.of("listeners", value), List.of(), "p");
        String appended = PropertiesEditor.apply(SERVER_PROPERTIES, Map.of("new.key", value), List.of(), "p");
        String whitespaceSeparated = PropertiesEditor.apply(SERVER_PROPERTIES,
                Map.of("num.network.threads", value), List.of(), "p");

        assertEquals(value, loadAsKafka(edited).getProperty("listeners"));
        assertEquals(value, loadAsKafka(appended).getProperty("new.key"));
        assertEquals(value, loadAsKafka(whitespaceSeparated).getProperty("num.network.threads"));
        assertEquals(value, loadWithReader(edited).getProperty("listeners"));
    }

    @Test
    void shouldReplaceInPlaceKeepingCommentsOrderAndSeparatorStyle() {
        String edited = PropertiesEditor.apply(SERVER_PROPERTIES,
                Map.of("inter.broker.protocol.version", "3.9", "listeners", "PLAINTEXT://:9093",
                        "log.dirs", "/data/kafka", "num.network.threads", "8"), List.of(), "bump");

        assertEquals("""
                # Licensed to the Apache Software Foundation
                ############################# Server Basics #############################

                # The id of the broker.
                broker.id=1
                listeners = PLAINTEXT://:9093

                log.dirs: /data/kafka
                num.network.threads 8
                inter.broker.protocol.version=3.9
                """, edited);
    }

    @Test
    void shouldAppendNewKeysAtTheEndUnderAComment() {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("log.message.format.version", "3.8");
        set.put("broker.rack", "r1");

        String edited = PropertiesEditor.apply(SERVER_PROPERTIES, set, List.of(), "binaries");

        assertEquals(SERVER_PROPERTIES + """
                # set by kupgrade binaries
                log.message.format.version=3.8
                broker.rack=r1
                """, edited);
    }

    @Test
    void shouldReplaceTheLastOccurrenceAndDropEarlierDuplicates() {
        String text = "a=1\n# keep me\nb=2\na=3\nc=4\n";

        String edited = PropertiesEditor.apply(text, Map.of("a", "5"), List.of(), null);

        assertEquals("# keep me\nb=2\na=5\nc=4\n", edited);
    }

    @Test
    void shouldUnsetEveryOccurrenceIncludingContinuationLines() {
        String text = "a=1\nsasl.jaas.config=org.Foo required \\\n    user=\"x\" \\\n    pw=\"y\";\nb=2\na=3\n";

        String edited = PropertiesEditor.apply(text, Map.of(), List.of("a", "sasl.jaas.config"), null);

        assertEquals("b=2\n", edited);
    }

    @Test
    void shouldReplaceAContinuedValueWithOneLine() {
        String text = "x=1\nlong.value=part one \\\n   part two\ny=2\n";

        String edited = PropertiesEditor.apply(text, Map.of("long.value", "short"), List.of(), null);

        assertEquals("x=1\nlong.value=short\ny=2\n", edited);
    }

    @Test
    void shouldLeaveTheTextUnchangedWhenApplyingTheSameEditTwice() {
        Map<String, String> set = Map.of("inter.broker.protocol.version", "3.9", "new.one", "v");
        String once = PropertiesEditor.apply(SERVER_PROPERTIES, set, List.of("log.dirs"), "bump");

        String twice = PropertiesEditor.apply(once, set, List.of("log.dirs"), "bump");

        assertEquals(once, twice);
    }

    @Test
    void shouldKeepWindowsLineEndings() {
        String text = "a=1\r\nb=2\r\n";

        String edited = PropertiesEditor.apply(text, Map.of("b", "3", "c", "4"), List.of(), "p");

        assertEquals("a=1\r\nb=3\r\n# set by kupgrade p\r\nc=4\r\n", edited);
    }

    @Test
    void shouldNotJoinAppendedKeysToADanglingContinuationAtEndOfFile() throws IOException {
        String text = "a=1\nb=2\\";

        String edited = PropertiesEditor.apply(text, Map.of("c", "3"), List.of(), null);

        Properties p = loadAsKafka(edited);
        assertEquals("2", p.getProperty("b"));
        assertEquals("3", p.getProperty("c"));
    }

    @Test
    void shouldAddALineEndBeforeAppendingToAFileWithoutOne() {
        String edited = PropertiesEditor.apply("a=1", Map.of("b", "2"), List.of(), null);

        assertEquals("a=1\n# set by kupgrade\nb=2\n", edited);
    }

    @ParameterizedTest
    @ValueSource(strings = {"two\nlines", "carriage\rreturn", "nul\0char"})
    void shouldRefuseValuesWithLineBreaksOrNul(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PropertiesEditor.apply(SERVER_PROPERTIES, Map.of("k", value), List.of(), null));

        assertTrue(e.getMessage().contains("'k'"), e.getMessage());
    }

    @Test
    void shouldRefuseAKeyBothSetAndUnset() {
        assertThrows(IllegalArgumentException.class,
                () -> PropertiesEditor.apply("", Map.of("k", "v"), List.of("k"), null));
    }

    @Test
    void shouldNameTheLineOfAMalformedUnicodeEscape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PropertiesEditor.read("a=1\n\nb=\\u12G4\n"));

        assertTrue(e.getMessage().startsWith("line 3:"), e.getMessage());
    }

    @Test
    void shouldReadEscapesAndSeparatorsAsPropertiesDoes() throws IOException {
        String text = "key\\ with\\ spaces = v\\=1\nk2:\\u00e9\nk3 \\\n  continued\n  ! not a comment? no, a comment\n";

        assertEquals(toMap(loadWithReader(text)), new HashMap<>(PropertiesEditor.read(text)));
        assertEquals("v=1", PropertiesEditor.read(text).get("key with spaces"));
    }

    @Test
    void shouldListChangedKeysInDiff() {
        String after = PropertiesEditor.apply(SERVER_PROPERTIES, Map.of("inter.broker.protocol.version", "3.9",
                "broker.rack", "r1"), List.of("log.dirs"), "p");

        assertEquals(List.of(
                new PropertiesEditor.Change("broker.rack", null, "r1"),
                new PropertiesEditor.Change("inter.broker.protocol.version", "3.8", "3.9"),
                new PropertiesEditor.Change("log.dirs", "/var/lib/kafka", null)),
                PropertiesEditor.diff(SERVER_PROPERTIES, after));
    }

    /** The parser must agree with java.util.Properties on any text, however odd. */
    @Test
    void shouldReadRandomTextsExactlyAsJavaUtilPropertiesDoes() throws IOException {
        Random random = new Random(42);
        char[] alphabet = {'a', 'b', 'k', '=', ':', ' ', '\t', '\f', '\\', '\\', '\n', '\n', '\r', '#', '!', 'u',
            '0', 'n', 't', 'é'};
        for (int i = 0; i < 10_000; i++) {
            String text = randomText(random, alphabet, 40);
            Map<String, String> expected;
            try {
                expected = toMap(loadWithReader(text));
            } catch (IllegalArgumentException malformed) {
                assertThrows(IllegalArgumentException.class, () -> PropertiesEditor.read(text), text);
                continue;
            }
            assertEquals(expected, new HashMap<>(PropertiesEditor.read(text)), "text: " + escape(text));
        }
    }

    /** Any edit of any text must read back, through the JDK, as exactly the intended properties. */
    @Test
    void shouldApplyRandomEditsToRandomTextsCorrectly() throws IOException {
        Random random = new Random(7);
        char[] alphabet = {'a', 'b', '=', ':', ' ', '\\', '\n', '\n', '\r', '#', '!', 'x'};
        String[] keys = {"a", "b", "x", "ab", "a b", "=", "#"};
        String[] values = {"1", "", " v", "\\", "=", "$(x)", "é", "#"};
        int applied = 0;
        for (int i = 0; i < 10_000; i++) {
            String text = randomText(random, alphabet, 30);
            Map<String, String> set = new HashMap<>();
            List<String> unset = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                String key = keys[random.nextInt(keys.length)];
                if (random.nextBoolean() && !unset.contains(key)) {
                    set.put(key, values[random.nextInt(values.length)]);
                } else if (!set.containsKey(key)) {
                    unset.add(key);
                }
            }
            Map<String, String> expected;
            try {
                expected = toMap(loadWithReader(text));
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            expected.putAll(set);
            unset.forEach(expected::remove);

            String edited;
            try {
                edited = PropertiesEditor.apply(text, set, unset, "p");
            } catch (IllegalStateException e) {
                throw new AssertionError("text: " + escape(text) + " set " + set + " unset " + unset, e);
            }

            assertEquals(expected, toMap(loadAsKafka(edited)), "text: " + escape(text) + " set " + set + " unset " + unset);
            applied++;
        }
        assertTrue(applied > 7_500, "applied " + applied);
    }

    private static String randomText(Random random, char[] alphabet, int maxLength) {
        int len = random.nextInt(maxLength);
        StringBuilder b = new StringBuilder(len);
        for (int j = 0; j < len; j++) {
            b.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return b.toString();
    }

    /** As Kafka's Utils.loadProps reads server.properties: Properties.load(InputStream), ISO-8859-1. */
    private static Properties loadAsKafka(String text) throws IOException {
        Properties p = new Properties();
        p.load(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)));
        return p;
    }

    private static Properties loadWithReader(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    private static Map<String, String> toMap(Properties p) {
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
                .replace("\f", "\\f");
    }
}
