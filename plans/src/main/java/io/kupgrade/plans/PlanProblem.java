package io.kupgrade.plans;

/**
 * One problem in a plan, located: {@code file:line:column: field.path: message}.
 *
 * @param line 1-based; 0 when unknown
 * @param column 1-based; 0 when unknown
 * @param path field path such as {@code phases[1].set.inter.broker.protocol.version}; empty for the document
 */
public record PlanProblem(String file, int line, int column, String path, String message) {
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(file);
        if (line > 0) {
            b.append(':').append(line);
            if (column > 0) {
                b.append(':').append(column);
            }
        }
        b.append(": ");
        if (path != null && !path.isEmpty()) {
            b.append(path).append(": ");
        }
        return b.append(message).toString();
    }
}
