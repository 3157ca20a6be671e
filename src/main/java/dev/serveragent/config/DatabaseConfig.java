package dev.serveragent.config;

import java.nio.file.Path;
import java.util.Optional;

/** Where Postgres is: {@code DATABASE_URL}, or an embedded server whose data lives in {@code dataDir/pg}. */
public record DatabaseConfig(Optional<DatabaseUrl> url, Path embeddedDataDir, int maxPoolSize) {
    public static final int DEFAULT_POOL_SIZE = 10;

    static DatabaseConfig from(Settings s, Path dataDir) {
        return new DatabaseConfig(
                s.optional("DATABASE_URL").map(v -> DatabaseUrl.parse("DATABASE_URL", v)),
                dataDir.resolve("pg"),
                s.integer("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, 2, 200));
    }
}
