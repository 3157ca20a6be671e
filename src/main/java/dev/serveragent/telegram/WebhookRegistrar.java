package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.request.SetWebhook;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.runtime.Loop;
import dev.serveragent.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With {@code PUBLIC_URL}: registers {@code {PUBLIC_URL}/telegram/webhook} with the secret token,
 * the update kinds ingested, and {@code drop_pending_updates=false} (updates that waited while the
 * agent was down are delivered, not dropped). Retries in the background until Telegram accepts,
 * so a brief Telegram outage at start does not stop the agent. If Telegram refuses the webhook
 * outright (a 4xx such as "HTTPS url must be provided"), retrying cannot help: the refusal is
 * logged as an error and the agent falls back to long polling, so it stays reachable.
 */
public final class WebhookRegistrar implements Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(WebhookRegistrar.class);
    /** The update kinds the agent ingests, for setWebhook and getUpdates. */
    public static final List<String> ALLOWED_UPDATES =
            List.of("message", "edited_message", "channel_post", "edited_channel_post", "callback_query");
    static final Duration RETRY_DELAY = Duration.ofSeconds(30);
    private static final Duration UNTIL_STOPPED = Duration.ofDays(365);

    private final TelegramBot bot;
    private final URI publicUrl;
    private final Secret secret;
    private final Lifecycle fallback;
    private final CountDownLatch registered = new CountDownLatch(1);
    private final Loop loop;
    private volatile boolean done; // accepted, or refused for good (then long polling)

    public WebhookRegistrar(TelegramBot bot, URI publicUrl, Secret secret, Lifecycle fallback) {
        this.fallback = fallback;
        this.bot = bot;
        this.publicUrl = publicUrl;
        this.secret = secret;
        this.loop = Loop.named("telegram-set-webhook", this::registerOnce).stopGrace(Duration.ZERO)
                .describedAs("setWebhook").build();
    }

    @Override
    public synchronized void start() {
        if (!loop.running()) {
            done = false;
            loop.start();
        }
    }

    @Override
    public synchronized void stop() {
        if (!loop.running()) {
            return;
        }
        loop.stop(); // a setWebhook in flight is interrupted at once (no grace)
        fallback.stop();
    }

    public boolean isRegistered() {
        return registered.getCount() == 0;
    }

    /** One attempt at setWebhook; once accepted or refused for good, the loop idles until stopped. */
    private Loop.Next registerOnce() {
        if (done) {
            return Loop.Next.idle(UNTIL_STOPPED);
        }
        String url = publicUrl.toString().replaceAll("/+$", "") + WebhookRoutes.PATH;
        try {
            var r = bot.execute(new SetWebhook().url(url).secretToken(secret.reveal())
                    .allowedUpdates(ALLOWED_UPDATES.toArray(String[]::new)).dropPendingUpdates(false));
            if (r.isOk()) {
                done = true;
                registered.countDown();
                log.info("Telegram webhook set to {}", url);
                return Loop.Next.worked(UNTIL_STOPPED);
            }
            if (r.errorCode() >= 400 && r.errorCode() < 500 && r.errorCode() != 429) {
                log.error("Telegram refused the webhook {} ({} {}): check PUBLIC_URL (Telegram needs a public HTTPS URL)."
                        + " Falling back to long polling.", url, r.errorCode(), r.description());
                done = true;
                synchronized (this) {
                    if (!loop.stopping()) {
                        fallback.start();
                    }
                }
                return Loop.Next.worked(UNTIL_STOPPED);
            }
            log.warn("setWebhook refused: {} {}; retrying in {}s", r.errorCode(), r.description(), RETRY_DELAY.toSeconds());
        } catch (RuntimeException e) {
            if (loop.stopping()) {
                return Loop.Next.idle(Duration.ZERO);
            }
            log.warn("setWebhook failed: {}; retrying in {}s", e.toString(), RETRY_DELAY.toSeconds());
        }
        return Loop.Next.idle(RETRY_DELAY);
    }
}
