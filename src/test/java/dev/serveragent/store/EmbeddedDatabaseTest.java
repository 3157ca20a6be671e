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

    @Test
    void a_start_begun_in_the_background_is_the_one_the_next_start_takes() {
        Path pg = dir.resolve("pg");
        EmbeddedDatabase.startInBackground(pg);
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(pg.resolve("..").resolve("pg"));
                Database db = Database.open(embedded.url(), 2, Optional.empty())) {
            assertThat(db.migrate().migrationsExecuted).isPositive();
        }
        // Taken once: the next start is a start of its own, on the same data.
        try (EmbeddedDatabase embedded = EmbeddedDatabase.start(pg);
                Database db = Database.open(embedded.url(), 2, Optional.empty())) {
            assertThat(db.migrate().migrationsExecuted).isZero();
        }
    }

    @Test
    void a_background_start_that_fails_fails_the_start_that_takes_it_with_its_reason() throws Exception {
        Path notADirectory = java.nio.file.Files.writeString(dir.resolve("pg"), "a file, not a data directory");
        EmbeddedDatabase.startInBackground(notADirectory);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmbeddedDatabase.start(notADirectory))
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("Embedded PostgreSQL could not start in " + notADirectory);
    }

    private static String setting(Database db, String name) {
        return db.jdbi().withHandle(h -> h.createQuery("show " + name).mapTo(String.class).one());
    }
}
