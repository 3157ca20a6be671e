package dev.serveragent.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.serveragent.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A migrated database is recognised by one query instead of a Flyway run; anything else still goes through Flyway. */
class MigrationFastPathTest {
    TestDatabase db;

    @BeforeEach
    void create() {
        db = TestDatabase.createEmpty();
    }

    @AfterEach
    void drop() {
        db.close();
    }

    @Test
    void the_build_migrations_are_listed_with_the_checksums_flyway_records() throws Exception {
        List<Database.Migration> carried = Database.carried().orElseThrow();
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/db/migration"))) {
            assertThat(carried).hasSize((int) files.count());
        }
        assertThat(db.database().migrate().migrationsExecuted).isEqualTo(carried.size()); // Flyway: nothing applied yet

        Set<Database.Migration> recorded = new HashSet<>(db.jdbi().withHandle(h -> h.createQuery(
                "select version, checksum from flyway_schema_history").map((rs, ctx) -> new Database.Migration(rs.getString(1), rs.getInt(2))).list()));
        assertThat(recorded).isEqualTo(new HashSet<>(carried));
    }

    @Test
    void a_database_holding_exactly_the_build_migrations_is_not_migrated_again() {
        db.database().migrate();
        String latest = db.jdbi().withHandle(h -> h.createQuery(
                "select version from flyway_schema_history order by installed_rank desc limit 1").mapTo(String.class).one());

        assertThat(db.database().upToDate(Database.carried().orElseThrow())).contains(latest);
        assertThat(db.database().migrate().migrationsExecuted).isZero();
        assertThat(db.database().notReadyReason()).isEmpty();
        Integer rows = db.jdbi().withHandle(h -> h.createQuery("select count(*) from flyway_schema_history").mapTo(Integer.class).one());
        assertThat(rows).isEqualTo(Database.carried().orElseThrow().size());
        assertThat(db.database().migrate().targetSchemaVersion).isEqualTo(latest);
    }

    @Test
    void an_edited_migration_still_fails_flyway_validation() {
        db.database().migrate();
        db.jdbi().useHandle(h -> h.execute("update flyway_schema_history set checksum = checksum + 1 where version = '1'"));
        assertThat(db.database().upToDate(Database.carried().orElseThrow())).isEmpty();

        assertThatThrownBy(() -> db.database().migrate())
                .isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("checksum mismatch");
    }

    @Test
    void a_missing_or_failed_migration_goes_through_flyway() {
        db.database().migrate();
        // A pending migration: Flyway applies it again (here V1's tables exist, so it fails, which shows Flyway ran it).
        db.jdbi().useHandle(h -> h.execute("delete from flyway_schema_history where version = '1'"));
        assertThat(db.database().upToDate(Database.carried().orElseThrow())).isEmpty();
        assertThatThrownBy(() -> db.database().migrate()).isInstanceOf(DatabaseUnavailableException.class);
    }

    @Test
    void a_failed_migration_in_the_history_goes_through_flyway() {
        db.database().migrate();
        db.jdbi().useHandle(h -> h.execute("update flyway_schema_history set success = false where version = '1'"));
        assertThat(db.database().upToDate(Database.carried().orElseThrow())).isEmpty();
    }

    @Test
    void an_empty_database_goes_through_flyway() {
        assertThat(db.database().upToDate(Database.carried().orElseThrow())).isEmpty();
    }

    @Test
    void flyway_checksum_is_crc32_of_the_lines_without_breaks_and_bom() throws Exception {
        int unix = Database.checksum(new ByteArrayInputStream("create table t (a int);\nselect 1;\n".getBytes(StandardCharsets.UTF_8)));
        int windows = Database.checksum(new ByteArrayInputStream("\uFEFFcreate table t (a int);\r\nselect 1;".getBytes(StandardCharsets.UTF_8)));
        assertThat(windows).isEqualTo(unix);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update("create table t (a int);".getBytes(StandardCharsets.UTF_8));
        crc.update("select 1;".getBytes(StandardCharsets.UTF_8));
        assertThat(unix).isEqualTo((int) crc.getValue());
    }
}
