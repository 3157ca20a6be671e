package dev.serveragent.console;

import dev.serveragent.channel.Channel;
import dev.serveragent.channel.PressListener;
import dev.serveragent.config.AppConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.masters.PairingInvite;
import dev.serveragent.media.MediaModule;
import dev.serveragent.runtime.Lifecycle;
import dev.serveragent.store.Repositories;
import dev.serveragent.web.Capability;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.web.WebAccessPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The console, in two steps because the pipeline stands between them: {@link #open} builds the
 * channel (its messages, its live feed, uploads through the shared media pipeline), which the
 * outbox needs; {@link #servePages} adds the pages once what they show exists (where presses go,
 * which model is missing). Its paths are served even with the console off: each then answers 404
 * saying why. The feed starts after the HTTP server, so it is stopped before it and open feeds end
 * cleanly instead of holding the server's graceful stop.
 */
public final class ConsoleModule implements Capability {
    private final AppConfig config;
    private final WebAccessPolicy web;
    private final ConsoleRepository repository;
    private final ConsoleFeed feed;
    private final ConsoleChannel channel;
    private final Clock clock;
    private final List<HttpRoutes> routes = new ArrayList<>();

    private ConsoleModule(AppConfig config, WebAccessPolicy web, ConsoleRepository repository, Clock clock) {
        this.config = config;
        this.web = web;
        this.repository = repository;
        this.feed = new ConsoleFeed(repository);
        this.channel = new ConsoleChannel(feed);
        this.clock = clock;
    }

    public static ConsoleModule open(AppConfig config, WebAccessPolicy web, Repositories repositories, MediaModule media, Clock clock) {
        ConsoleModule console = new ConsoleModule(config, web,
                new ConsoleRepository(repositories.database().jdbi(), repositories.threads(), Channel.CONSOLE_CHAT_ID), clock);
        // Attachments from the browser: kept at upload, then the same media pipeline as Telegram's.
        media.sources().register(Channel.CONSOLE, new StoredUpload(media.blobs()));
        console.routes.add(new ConsoleUploadRoutes(web, console.repository, console.feed, media, clock));
        return console;
    }

    /**
     * Adds the console's pages and the pairing QR code.
     *
     * @param presses where a press of the console's buttons goes
     * @param missingModel why no model can be called, if none can
     * @param storedLogin the Claude Code CLI's own login in use, if no token is configured
     * @param proactiveNotice the proactive loop's first-run notice, when it runs
     */
    public ConsoleModule servePages(PressListener presses, Optional<String> missingModel, Optional<Path> storedLogin,
            Optional<String> proactiveNotice, Masters masters, PairingInvite invite) {
        boolean telegramOn = config.telegram().enabled();
        Notices notices = new Notices(missingModel, storedLogin.map(p -> "Using the Claude Code CLI's own stored login ("
                + p + ") for classification and answers: no token is configured."), telegramOn, masters, invite,
                config.files().secrets(), proactiveNotice);
        routes.add(new ConsoleRoutes(web, repository, feed, channel, presses, notices, clock));
        routes.add(new PairingQr(web, invite, masters, telegramOn));
        return this;
    }

    /** The console's channel; empty when the console is off (no ADMIN_TOKEN where one is needed). */
    public Optional<Channel> channel() {
        return web.enabled() ? Optional.of(channel) : Optional.empty();
    }

    @Override
    public List<HttpRoutes> routes() {
        return List.copyOf(routes);
    }

    @Override
    public List<Lifecycle> afterHttp() {
        return web.enabled() ? List.of(feed) : List.of();
    }
}
