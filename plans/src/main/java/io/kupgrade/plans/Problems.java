package io.kupgrade.plans;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects located errors and warnings while a plan is read, so that one run reports all of them. */
final class Problems {
    private final String file;
    private final List<PlanProblem> errors = new ArrayList<>();
    private final List<PlanProblem> warnings = new ArrayList<>();

    Problems(String file) {
        this.file = file;
    }

    String file() {
        return file;
    }

    void error(int line, int column, String path, String message) {
        errors.add(new PlanProblem(file, line, column, path, message));
    }

    void error(YamlNode at, String path, String message) {
        error(at == null ? 0 : at.line(), at == null ? 0 : at.column(), path, message);
    }

    void error(YamlNode.Entry at, String path, String message) {
        error(at.line(), at.column(), path, message);
    }

    void warn(int line, int column, String path, String message) {
        warnings.add(new PlanProblem(file, line, column, path, message));
    }

    void warn(YamlNode at, String path, String message) {
        warn(at == null ? 0 : at.line(), at == null ? 0 : at.column(), path, message);
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    /** Throws one {@link PlanException} with every error, in document order, when there is any. */
    void throwIfErrors() {
        if (!errors.isEmpty()) {
            throw new PlanException(sorted(errors));
        }
    }

    List<PlanProblem> warnings() {
        return sorted(warnings);
    }

    private static List<PlanProblem> sorted(List<PlanProblem> problems) {
        List<PlanProblem> copy = new ArrayList<>(problems);
        // stable: problems at the same place keep the order they were found in
        copy.sort(Comparator.comparingInt(PlanProblem::line).thenComparingInt(PlanProblem::column));
        return copy;
    }
}
