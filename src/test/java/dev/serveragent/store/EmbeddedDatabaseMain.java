package dev.serveragent.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * A process that starts the embedded database on {@code args[0]}, writes a row, prints
 * {@code READY}, and waits to be killed: the agent's database side, for crash tests.
 */
public final class EmbeddedDatabaseMain {
    private EmbeddedDatabaseMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedDatabase embedded = EmbeddedDatabase.start(Path.of(args[0]));
        Database db = Database.open(embedded.url(), 2, Optional.empty());
        db.jdbi().useHandle(h -> {
            h.execute("create table if not exists crash_probe (v text)");
            h.execute("insert into crash_probe values ('written before the crash')");
        });
        System.out.println("READY");
        System.out.flush();
        System.in.read(); // until killed
    }
}
