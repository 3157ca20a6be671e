package dev.serveragent.web;

import java.util.Optional;

/**
 * One condition of {@code GET /readyz}: empty when fine, else why not, in words an operator can
 * act on (never a secret). Called on every probe: implementations keep it cheap (cache).
 */
@FunctionalInterface
public interface ReadinessCheck {
    Optional<String> notReadyReason();
}
