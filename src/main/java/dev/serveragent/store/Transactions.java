package dev.serveragent.store;

import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;

/**
 * One database transaction around several repositories' calls: Jdbi gives every nested call on
 * this thread the outermost call's handle, and a nested transaction joins the open one, so the
 * calls commit or roll back together. Used where a step's effects must never be seen apart, e.g.
 * an acknowledgement queued and its job moved on: a kill between the two would acknowledge twice.
 */
public final class Transactions {
    private final Jdbi jdbi;

    public Transactions(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public <T> T inOne(Supplier<T> work) {
        return jdbi.inTransaction(h -> work.get());
    }
}
