package io.cowsql.e2e.chaos;

/** An anomaly a checker found in a history: the checker's name and what it saw (with op indexes). */
public record Violation(String checker, String message) {
}
