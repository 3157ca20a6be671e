package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void data_survives_a_restart_and_durability_is_on() {
        Path pg = dir.resolve("pg");
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(pg);
                Database db = Database.open(embedded.url(), 2, Optional.empty())) {
            db.migrate();
            db.jdbi().useHandle(h -> h.execute("insert into projects (name) values ('kept across restarts')"));
            assertThat(setting(db, "fsync")).isEqualTo("on");
            assertThat(setting(db, "synchronous_commit")).isEqualTo("on");
        }
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(pg);
                Database db = Database.open(embedded.url(), 2, Optional.empty())) {
            assertThat(db.migrate().migrationsExecuted).isZero();
            List<String> names = db.jdbi().withHandle(h -> h.createQuery("select name from projects").mapTo(String.class).list());
            assertThat(names).containsExactly("kept across restarts");
        }
    }

    private static String setting(Database db, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("show " + name).mapTo(String.class).one());
    }
}
