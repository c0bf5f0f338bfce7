package io.kupgrade.plans;

/**
 * A value that must never reach logs or plan output: given in the plan literally or as a reference
 * ({@code ${env:NAME}}, {@code ${file:PATH}}). {@link #toString()} is always masked; only
 * {@link #reveal()} gives the value, and only code that hands it to a client should call it.
 */
public interface Secret {
    /** The resolved value. Throws {@link PlanException} when the reference cannot be resolved. */
    String reveal();

    /** How the value is shown to people: the reference ({@code ${env:NAME}}) or {@code ******}. */
    String masked();
}
