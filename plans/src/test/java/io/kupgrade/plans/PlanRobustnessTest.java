package io.kupgrade.plans;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A user mistake is a located problem, never a crash: every example, cut and mangled line by line, either
 * parses or fails with a {@link PlanException} whose problems all have a message, a location inside the
 * file (or none, for the whole document) and a path.
 */
class PlanRobustnessTest {
    private static final List<String> REPLACEMENTS = List.of("", "[]", "{}", "-1", "3.10", "yes", "${env:X}",
            "'{broker.id'", "*alias", "99999999999999999999");

    static Stream<Path> examples() throws IOException {
        return Files.list(Path.of("..", "examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void mangledExamplesFailOnlyWithLocatedProblems(Path example) throws IOException {
        List<String> lines = Files.readAllLines(example);
        List<String> variants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            variants.add(String.join("\n", lines.subList(0, i)));                     // cut after line i
            List<String> without = new ArrayList<>(lines);
            without.remove(i);
            variants.add(String.join("\n", without));                                 // line i deleted
            String line = lines.get(i);
            int colon = line.indexOf(": ");
            if (colon > 0 && !line.trim().startsWith("#")) {
                for (String r : REPLACEMENTS) {                                          // value of line i replaced
                    List<String> changed = new ArrayList<>(lines);
                    changed.set(i, line.substring(0, colon + 2) + r);
                    variants.add(String.join("\n", changed));
                }
                List<String> doubled = new ArrayList<>(lines);
                doubled.add(i, line);                                                    // line i twice
                variants.add(String.join("\n", doubled));
            }
        }
        assertTrue(variants.size() > 100);
        int failures = 0;
        for (String text : variants) {
            failures += parsesOrFailsCleanly(text, lines.size() + 2) ? 0 : 1;
        }
        assertTrue(failures > 0, "mangling must break some variants");
    }

    /** True when the text parsed, false when it failed cleanly; fails the test on anything else. */
    private static boolean parsesOrFailsCleanly(String text, int maxLine) {
        try {
            new PlanParser(Map.<String, String>of()::get).read(text, "mangled.yaml");
            return true;
        } catch (PlanException e) {
            assertFalse(e.problems().isEmpty(), "a PlanException names its problems");
            for (PlanProblem p : e.problems()) {
                assertTrue(p.line() >= 0 && p.line() <= maxLine && p.column() >= 0, () -> "location of " + p);
                assertTrue(p.message() != null && !p.message().isBlank() && !p.message().contains("\n"),
                        () -> "one-line message: " + p);
                assertTrue(p.path() != null, () -> "path of " + p);
            }
            return false;
        } catch (RuntimeException e) {
            fail("crash instead of a located problem for:\n" + text, e);
            return false;
        }
    }
}
