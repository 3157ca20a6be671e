package dev.serveragent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * The real application in webhook mode with its two peers, a fresh {@link TestDatabase} and a
 * {@link FakeTelegram}, shared by the tests of one class. {@link #close()} stops the application
 * before the peers it talks to.
 *
 * <pre>{@code
 * @AutoClose static final WebhookApp bot = WebhookApp.start();
 * static final TestApp app = bot.app();   // and bot.db(), bot.telegram()
 * }</pre>
 */
public final class WebhookApp implements AutoCloseable {
    private final TestDatabase db;
    private final FakeTelegram telegram;
    private final TestApp app;

    private WebhookApp(TestDatabase db, FakeTelegram telegram, TestApp app) {
        this.db = db;
        this.telegram = telegram;
        this.app = app;
    }

    public static WebhookApp start() {
        return start(telegram -> {});
    }

    /** {@code prepare} sets the fake Bot API up (files to serve, failures) before the application starts. */
    public static WebhookApp start(Consumer<FakeTelegram> prepare) {
        TestDatabase db = TestDatabase.create();
        FakeTelegram telegram = FakeTelegram.start(TelegramFixtures.TOKEN);
        prepare.accept(telegram);
        try {
            TestApp app = TestApp.start(db, Files.createTempDirectory("sa-webhook-app"),
                    TelegramFixtures.env(telegram, "https://agent.example.org"), Clock.systemUTC());
            return new WebhookApp(db, telegram, app);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestDatabase db() {
        return db;
    }

    public FakeTelegram telegram() {
        return telegram;
    }

    public TestApp app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
        telegram.close();
        db.close();
    }
}
