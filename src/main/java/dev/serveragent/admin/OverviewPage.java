package dev.serveragent.admin;

import static dev.serveragent.admin.AdminPage.esc;
import static dev.serveragent.admin.AdminPage.num;
import static dev.serveragent.admin.AdminPage.time;

import dev.serveragent.budget.CostReport;
import dev.serveragent.budget.Spending;
import dev.serveragent.proactive.ProactiveStatus;
import dev.serveragent.store.OperationsRepository;
import dev.serveragent.web.WebAccess;
import java.time.Instant;
import java.util.List;

/** {@code /admin}: today's tokens, pace and money, the token charts, money per day, the last deploy, the Masters. */
final class OverviewPage {
    private OverviewPage() {}

    /** @param addMaster how to add a Master (HTML), shown when none is active */
    static String html(DashboardRoutes.Overview o, List<OperationsRepository.Deployment> lastDeploy,
            List<dev.serveragent.masters.Masters.Row> masters, String addMaster, Instant now, String csrf) {
        ProactiveStatus st = o.status();
        Spending.Day today = o.days().getLast();
        StringBuilder b = new StringBuilder("<section class=\"cards\">");
        card(b, "today-money", "Money today (UTC)", CostReport.usd(today.totalUsd()),
                "reactive " + CostReport.usd(today.usd().get("reactive")) + " · proactive " + CostReport.usd(today.usd().get("proactive")));
        card(b, "today-tokens", "Tokens today", num(today.totalTokens()),
                "reactive " + num(today.tokens().get("reactive")) + " · proactive " + num(today.tokens().get("proactive")));
        if (st.running()) {
            card(b, "proactive-pace", "Proactive budget", num(st.spentToday()) + " / " + num(st.dailyBudget()),
                    String.format(java.util.Locale.ROOT, "pace %,.0f tokens/min · projected %s at midnight%s", st.tokensPerMinute(),
                            num(st.projectedEndOfDay()), st.paused() ? " · paused" : ""));
        } else {
            // Not a gauge: a loop that does not run has no pace, and "0 / 7,000,000" would read as one.
            card(b, "proactive-pace", "Proactive loop", "off", ProactiveOff.reason(st)
                    + (st.spentToday() > 0 ? " · " + num(st.spentToday()) + " tokens spent today" : ""));
        }
        b.append("</section>");
        if (st.running()) {
            b.append("<form class=\"inline\" method=\"post\" action=\"/admin/proactive\"><input type=\"hidden\" name=\"")
                    .append(WebAccess.CSRF_FIELD).append("\" value=\"").append(esc(csrf)).append("\"><input type=\"hidden\" name=\"action\" value=\"")
                    .append(st.paused() ? "resume" : "pause").append("\"><p><button>")
                    .append(st.paused() ? "Resume the proactive loop" : "Pause the proactive loop").append("</button></p></form>");
        } else {
            b.append("<p class=\"hint\" id=\"proactive-off\">No pause or resume while the proactive loop is off. ")
                    .append(esc(ProactiveOff.howToStart(st))).append("</p>");
        }

        b.append("<h3>Tokens per hour, last 7 days</h3><p class=\"legend\"><span><i class=\"key-proactive\"></i>proactive</span>")
                .append("<span><i class=\"key-reactive\"></i>reactive</span>")
                .append(st.running() ? "<span><i class=\"key-budget\"></i>proactive budget ÷ 24</span>" : "").append("</p>")
                .append(TokenChart.hourly(o.hourly(), now, st.running() ? st.dailyBudget() : 0));
        if (st.running()) {
            b.append("<h3>Proactive tokens today: pace and projection</h3>")
                    .append(TokenChart.today(o.hourly(), now, st.dailyBudget(), st.projectedEndOfDay()));
        }

        b.append("<h3>Money per day</h3><table class=\"list\" id=\"money\"><tr><th>day (UTC)</th><th class=\"num\">reactive tokens</th>")
                .append("<th class=\"num\">proactive tokens</th><th class=\"num\">reactive $</th><th class=\"num\">proactive $</th><th class=\"num\">total $</th></tr>");
        for (Spending.Day d : o.days().reversed()) {
            b.append("<tr><td>").append(d.day().toString(), 0, 10).append("</td><td class=\"num\">").append(num(d.tokens().get("reactive")))
                    .append("</td><td class=\"num\">").append(num(d.tokens().get("proactive")))
                    .append("</td><td class=\"num\">").append(CostReport.usd(d.usd().get("reactive")))
                    .append("</td><td class=\"num\">").append(CostReport.usd(d.usd().get("proactive")))
                    .append("</td><td class=\"num\">").append(CostReport.usd(d.totalUsd()))
                    .append(d.unpricedCalls() > 0 ? " <span class=\"hint\">(" + d.unpricedCalls() + " unpriced)</span>" : "")
                    .append("</td></tr>");
        }
        b.append("</table><p class=\"hint\">Claude Code runs at the cost the CLI reports (total_cost_usd); API calls at list prices per model.</p>");

        b.append("<h3>Last deployment</h3>");
        if (lastDeploy.isEmpty()) {
            b.append("<p class=\"hint\">No deployment yet.</p>");
        }
        for (OperationsRepository.Deployment d : lastDeploy) {
            b.append("<p>#").append(d.id()).append(' ').append(AdminPage.status(d.status())).append(" <code>").append(esc(d.gitSha()))
                    .append("</code> on ").append(esc(d.branch())).append(", ").append(time(d.finishedAt() == null ? d.startedAt() : d.finishedAt()))
                    .append(" · <a href=\"/admin/deployments\">all deployments</a></p>");
        }
        b.append("<h3>Masters</h3><table class=\"list\" id=\"masters\"><tr><th>user id</th><th>platform</th><th>source</th><th>added</th><th>revoked</th></tr>");
        if (!addMaster.isEmpty()) {
            b.append("<tr class=\"empty\"><td colspan=\"5\">").append(addMaster).append("</td></tr>");
        }
        for (dev.serveragent.masters.Masters.Row m : masters) {
            b.append("<tr><td>").append(m.userId()).append("</td><td>").append(esc(m.platform())).append("</td><td>").append(esc(m.source()))
                    .append("</td><td>").append(time(m.addedAt())).append("</td><td>").append(time(m.revokedAt())).append("</td></tr>");
        }
        return b.append("</table>").toString();
    }

    private static void card(StringBuilder b, String id, String label, String big, String small) {
        b.append("<div class=\"card\" id=\"").append(id).append("\">").append(esc(label)).append("<span class=\"big\">")
                .append(esc(big)).append("</span><span class=\"hint\">").append(esc(small)).append("</span></div>");
    }
}
