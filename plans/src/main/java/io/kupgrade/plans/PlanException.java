package io.kupgrade.plans;

import java.util.List;

/** The plan is invalid: a user mistake, reported as located problems (never a stack trace). */
public final class PlanException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<PlanProblem> problems;

    public PlanException(List<PlanProblem> problems) {
        super(problems.isEmpty() ? "invalid plan" : problems.get(0).toString(), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<PlanProblem> problems() {
        return problems;
    }
}
