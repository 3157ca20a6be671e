package dev.serveragent.admin;

import dev.serveragent.web.HttpRoutes;
import dev.serveragent.budget.Spending;
import dev.serveragent.masters.Masters;
import dev.serveragent.memory.MemorySearch;
import dev.serveragent.proactive.ProactiveControl;
import dev.serveragent.store.ApprovalStatus;
import dev.serveragent.store.DashboardRepository;
import dev.serveragent.store.JobStatus;
import dev.serveragent.store.LedgerRepository;
import dev.serveragent.store.OperationsRepository;
import dev.serveragent.store.SearchRepository;
import dev.serveragent.web.WebAccess;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.router.JavalinDefaultRoutingApi;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The operator's dashboard: server-rendered pages under {@code /admin} and the same data as
 * read-only JSON under {@code /admin/api/*}, behind the console's {@link WebAccess} rules. The
 * only state-changing form (pause/resume of the proactive loop) is CSRF-checked.
 */
public final class DashboardRoutes implements HttpRoutes {
    static final int PAGE = 50;
    static final int MONEY_DAYS = 14;
    static final Set<String> JOB_STATUSES = Set.copyOf(JobStatus.sqlNames());
    static final Set<String> APPROVAL_STATUSES = Set.copyOf(ApprovalStatus.sqlNames());

    private final WebAccess access;
    private final DashboardRepository conversations;
    private final MemorySearch search;
    private final OperationsRepository operations;
    private final LedgerRepository ledger;
    private final ProactiveControl proactive;
    private final Masters masters;
    private final AddMasterHint addMaster;
    private final Clock clock;
    private final String css = resource("admin/admin.css");

    public DashboardRoutes(WebAccess access, DashboardRepository conversations, MemorySearch search, OperationsRepository operations,
            LedgerRepository ledger, ProactiveControl proactive, Masters masters, boolean telegramOn,
            dev.serveragent.masters.PairingInvite invite, Clock clock) {
        this.access = access;
        this.conversations = conversations;
        this.search = search;
        this.operations = operations;
        this.ledger = ledger;
        this.proactive = proactive;
        this.masters = masters;
        this.addMaster = new AddMasterHint(telegramOn, invite);
        this.clock = clock;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi r) {
        r.get("/admin/static/admin.css", ctx -> ctx.contentType("text/css; charset=utf-8").result(css));
        page(r, "/admin", (ctx, csrf) -> {
            List<Masters.Row> known = masters.history();
            return OverviewPage.html(overview(), operations.deployments(Optional.empty(), 1), known,
                    noneActive(known) ? addMaster.html() : "", clock.instant(), csrf);
        });
        page(r, "/admin/conversations", (ctx, csrf) -> {
            Optional<String> q = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).filter(s -> !s.isEmpty());
            return q.isPresent()
                    ? searchPage(q.get(), longParam(ctx, "before"))
                    : ConversationPages.threads(conversations.threads(instantParam(ctx, "before"), PAGE));
        });
        page(r, "/admin/conversations/{id}", (ctx, csrf) -> {
            long id = pathId(ctx);
            var thread = conversations.thread(id).orElseThrow(() -> new NotFoundResponse("no such conversation"));
            return ConversationPages.thread(thread, withArtifacts(conversations.messages(id, longParam(ctx, "before"), PAGE)), csrf);
        });
        page(r, "/admin/jobs", (ctx, csrf) -> WorkPages.jobs(operations.jobs(choice(ctx, JOB_STATUSES), longParam(ctx, "before"), PAGE),
                operations.jobsByStatus(List.of(JobStatus.QUEUED.sqlName(), JobStatus.RUNNING.sqlName(), JobStatus.AWAITING_APPROVAL.sqlName())), choice(ctx, JOB_STATUSES)));
        page(r, "/admin/approvals", (ctx, csrf) -> WorkPages.approvals(
                operations.approvals(choice(ctx, APPROVAL_STATUSES), longParam(ctx, "before"), PAGE), choice(ctx, APPROVAL_STATUSES)));
        page(r, "/admin/runs", (ctx, csrf) -> WorkPages.runs(operations.runs(longParam(ctx, "before"), PAGE)));
        page(r, "/admin/deployments", (ctx, csrf) -> WorkPages.deployments(operations.deployments(longParam(ctx, "before"), 20)));
        r.post("/admin/proactive", ctx -> {
            access.requireCsrf(ctx);
            switch (String.valueOf(ctx.formParam("action"))) {
                case "pause" -> proactive.pause();
                case "resume" -> proactive.resume();
                default -> throw new BadRequestResponse("action must be pause or resume");
            }
            ctx.redirect("/admin", HttpStatus.SEE_OTHER);
        });

        api(r, "/admin/api/threads", ctx -> {
            Optional<String> q = Optional.ofNullable(ctx.queryParam("q")).filter(s -> !s.isBlank());
            return q.isPresent() ? search(q.get(), longParam(ctx, "before"))
                    : Map.of("threads", conversations.threads(instantParam(ctx, "before"), PAGE));
        });
        api(r, "/admin/api/threads/{id}/messages", ctx -> {
            var messages = conversations.messages(pathId(ctx), longParam(ctx, "before"), PAGE);
            return Map.of("messages", messages, "artifacts", conversations.artifacts(messages.stream().map(DashboardRepository.Message::id).toList()));
        });
        api(r, "/admin/api/jobs", ctx -> Map.of("jobs", operations.jobs(choice(ctx, JOB_STATUSES), longParam(ctx, "before"), PAGE)));
        api(r, "/admin/api/approvals", ctx -> Map.of("approvals",
                operations.approvals(choice(ctx, APPROVAL_STATUSES), longParam(ctx, "before"), PAGE)));
        api(r, "/admin/api/ledger", ctx -> {
            Overview o = overview();
            var st = o.status();
            return Map.of("hourly", o.hourly(), "days", o.days(), "proactive", Map.of("daily_budget", st.dailyBudget(),
                    "spent_today", st.spentToday(), "reserved", st.reserved(), "remaining", st.remaining(),
                    "tokens_per_minute", st.tokensPerMinute(), "projected_end_of_day", st.projectedEndOfDay(), "paused", st.paused()));
        });
        api(r, "/admin/api/runs", ctx -> Map.of("runs", operations.runs(longParam(ctx, "before"), PAGE)));
        api(r, "/admin/api/deployments", ctx -> Map.of("deployments", operations.deployments(longParam(ctx, "before"), PAGE)));
        api(r, "/admin/api/masters", ctx -> {
            List<Masters.Row> known = masters.history();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("masters", known);
            if (noneActive(known)) {
                out.put("how_to_add", addMaster.text()); // the empty state says what to do
            }
            return out;
        });
    }

    private static boolean noneActive(List<Masters.Row> masters) {
        return masters.stream().noneMatch(m -> m.revokedAt() == null);
    }

    /** What the overview page and the ledger API show. */
    record Overview(List<LedgerRepository.HourTokens> hourly, List<Spending.Day> days, dev.serveragent.proactive.ProactiveStatus status) {}

    private Overview overview() {
        Instant now = clock.instant();
        Instant from = now.truncatedTo(ChronoUnit.HOURS).minus(TokenChart.HOURS - 1L, ChronoUnit.HOURS);
        return new Overview(ledger.hourly(from, now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS)),
                Spending.lastDays(ledger, now, MONEY_DAYS), proactive.status());
    }

    /** The search box: the same search as the agent's search_memory, every matching message newest first. */
    private String searchPage(String q, Optional<Long> before) {
        SearchRepository.Page page = newest(q, before);
        return ConversationPages.search(q, withArtifacts(conversations.messagesByIds(page.messageIds())), page.hits(), page.olderBefore());
    }

    /**
     * The API's search: the messages, where an older page starts ({@code older_before}, null at the
     * end), and the search's hits ({@code hits}: which message or artifact matched, with a snippet).
     */
    private Map<String, Object> search(String q, Optional<Long> before) {
        SearchRepository.Page page = newest(q, before);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("messages", conversations.messagesByIds(page.messageIds()));
        out.put("older_before", page.olderBefore().orElse(null));
        out.put("hits", page.hits().stream().map(DashboardRoutes::hitJson).toList());
        return out;
    }

    private SearchRepository.Page newest(String q, Optional<Long> before) {
        try {
            return search.newest(q, OptionalLong.empty(), before, PAGE);
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
    }

    /** A hit as JSON: plain values, null for what it does not have. */
    static Map<String, Object> hitJson(SearchRepository.Hit h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", h.source());
        out.put("id", h.id());
        out.put("message_id", h.messageId().isPresent() ? h.messageId().getAsLong() : null);
        out.put("thread_id", h.threadId().isPresent() ? h.threadId().getAsLong() : null);
        out.put("platform", h.platform().orElse(null));
        out.put("role", h.role().orElse(null));
        out.put("kind", h.kind().orElse(null));
        out.put("at", h.at());
        out.put("snippet", h.snippet());
        return out;
    }

    private ConversationPages.Listed withArtifacts(List<DashboardRepository.Message> messages) {
        return new ConversationPages.Listed(messages, conversations.artifacts(messages.stream().map(DashboardRepository.Message::id).toList()));
    }

    /** A page handler returns its body; the frame and the access check are added here. */
    interface Page {
        String body(Context ctx, String csrf);
    }

    private void page(JavalinDefaultRoutingApi r, String path, Page page) {
        r.get(path, ctx -> {
            access.requirePage(ctx);
            ctx.header("Cache-Control", "no-store");
            String csrf = access.csrfToken(ctx);
            ctx.html(AdminPage.frame(titleOf(path), csrf, page.body(ctx, csrf)));
        });
    }

    interface Api {
        Object json(Context ctx);
    }

    private void api(JavalinDefaultRoutingApi r, String path, Api api) {
        Handler h = ctx -> {
            access.requireApi(ctx);
            ctx.header("Cache-Control", "no-store");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("at", clock.instant());
            out.put("data", api.json(ctx));
            ctx.json(out);
        };
        r.get(path, h);
    }

    private static String titleOf(String path) {
        for (String[] n : AdminPage.NAV) {
            if (path.equals(n[0]) || (path.startsWith(n[0] + "/") && !n[0].equals("/admin"))) {
                return n[1];
            }
        }
        return "Overview";
    }

    static Optional<Long> longParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            throw new BadRequestResponse(name + " must be a number");
        }
    }

    static Optional<Instant> instantParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(v.strip()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new BadRequestResponse(name + " must be an ISO-8601 instant");
        }
    }

    static Optional<String> choice(Context ctx, Set<String> allowed) {
        String v = ctx.queryParam("status");
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        if (!allowed.contains(v)) {
            throw new BadRequestResponse("status must be one of " + new java.util.TreeSet<>(allowed));
        }
        return Optional.of(v);
    }

    private static long pathId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse("no such conversation");
        }
    }

    private static String resource(String name) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
