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

    /**
     * Whether {@code e} (or a cause) is a database error that says nothing about the data and may
     * pass if tried again: a serialization failure or deadlock (class 40), a lost connection (08),
     * a lock or statement timeout (55P03, 57014), the server shutting down or short of resources
     * (57P01–57P03, 53). Such an error must not be recorded as an item's own failure.
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("40") || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.equals("55P03")) {
                    return true;
                }
            }
            if (t instanceof DatabaseUnavailableException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs {@code work} in the transaction open on this thread under a savepoint: when it throws,
     * its writes (and a failed statement's abort of the transaction) are undone and the transaction
     * goes on; the exception is rethrown. One poison item of a batch then costs only itself.
     */
    public <T> T inSavepoint(String name, Supplier<T> work) {
        return jdbi.withHandle(h -> {
            if (!h.isInTransaction()) {
                throw new IllegalStateException("a savepoint needs an open transaction (inOne)");
            }
            h.savepoint(name);
            T result;
            try {
                result = work.get();
            } catch (RuntimeException | Error e) {
                h.rollbackToSavepoint(name);
                throw e;
            }
            h.release(name);
            return result;
        });
    }
}
