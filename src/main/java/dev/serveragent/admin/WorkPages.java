package dev.serveragent.admin;

import static dev.serveragent.admin.AdminPage.esc;
import static dev.serveragent.admin.AdminPage.num;
import static dev.serveragent.admin.AdminPage.seconds;
import static dev.serveragent.admin.AdminPage.snippet;
import static dev.serveragent.admin.AdminPage.status;
import static dev.serveragent.admin.AdminPage.time;

import dev.serveragent.budget.CostReport;
import dev.serveragent.store.OperationsRepository.Approval;
import dev.serveragent.store.OperationsRepository.Deployment;
import dev.serveragent.store.OperationsRepository.Job;
import dev.serveragent.store.OperationsRepository.Run;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/** The Jobs, Approvals, Claude Code runs and Deployments pages. */
final class WorkPages {
    private WorkPages() {}

    static String jobs(List<Job> jobs, Map<String, Long> open, Optional<String> filter) {
        StringBuilder b = new StringBuilder("<p>Open: ");
        open.forEach((s, n) -> b.append(status(s)).append(' ').append(n).append(" &nbsp; "));
        b.append("</p>").append(filters("/admin/jobs", DashboardRoutes.JOB_STATUSES, filter));
        b.append("<table class=\"list\" id=\"jobs\"><tr><th>job</th><th>thread</th><th>status</th><th>mode</th><th>created</th>")
                .append("<th>ran</th><th class=\"num\">attempts</th><th>last error</th></tr>");
        empty(b, jobs.isEmpty() && filter.isEmpty(), 8, "No jobs yet: each message to the agent, on Telegram or in the console "
                + "(/console), becomes one. A Master's message is classified and answered; anyone else's is only stored.");
        for (Job j : jobs) {
            b.append("<tr><td>#").append(j.id()).append("</td><td><a href=\"/admin/conversations/").append(j.threadId()).append("\">#")
                    .append(j.threadId()).append("</a></td><td>").append(status(j.status())).append("</td><td>").append(esc(j.mode()))
                    .append("</td><td>").append(time(j.createdAt())).append("</td><td>").append(seconds(j.startedAt(), j.finishedAt()))
                    .append("</td><td class=\"num\">").append(j.attempts()).append("</td><td>").append(snippet(j.lastError(), 200)).append("</td></tr>");
        }
        b.append("</table><p class=\"hint\">Attempts: how often a worker took the job. Its classification and, after an OK, "
                + "its run are one each, so an approved job shows 2 without any failure; a failed try or a worker that stopped "
                + "mid-job leaves its reason in last error.</p>");
        return b.append(AdminPage.more("/admin/jobs", filter.map(f -> "&status=" + f).orElse(""), jobs.size(), DashboardRoutes.PAGE,
                jobs.isEmpty() ? null : jobs.getLast().id())).toString();
    }

    static String approvals(List<Approval> approvals, Optional<String> filter) {
        StringBuilder b = new StringBuilder(filters("/admin/approvals", DashboardRoutes.APPROVAL_STATUSES, filter));
        b.append("<table class=\"list\" id=\"approvals\"><tr><th>approval</th><th>thread</th><th>job</th><th>status</th><th>proposal</th>")
                .append("<th>created</th><th>resolved</th><th>expires</th></tr>");
        empty(b, approvals.isEmpty() && filter.isEmpty(), 8, "No approvals yet: an acknowledgement with an OK button creates one "
                + "(a command that needs confirmation, or every message with APPROVAL_POLICY=always).");
        for (Approval a : approvals) {
            b.append("<tr><td>#").append(a.id()).append("</td><td><a href=\"/admin/conversations/").append(a.threadId()).append("\">#")
                    .append(a.threadId()).append("</a></td><td>#").append(a.jobId()).append("</td><td>").append(status(a.status()))
                    .append("</td><td>").append(snippet(a.proposal(), 300)).append("</td><td>").append(time(a.createdAt()))
                    .append("</td><td>").append(time(a.resolvedAt())).append(a.resolvedBy() == null ? "" : " by " + a.resolvedBy())
                    .append("</td><td>").append(time(a.expiresAt())).append("</td></tr>");
        }
        b.append("</table>");
        return b.append(AdminPage.more("/admin/approvals", filter.map(f -> "&status=" + f).orElse(""), approvals.size(),
                DashboardRoutes.PAGE, approvals.isEmpty() ? null : approvals.getLast().id())).toString();
    }

    static String runs(List<Run> runs) {
        StringBuilder b = new StringBuilder("<table class=\"list\" id=\"runs\"><tr><th>at</th><th>scope</th><th>for</th><th>result</th>")
                .append("<th class=\"num\">duration</th><th class=\"num\">turns</th><th class=\"num\">tokens in</th>")
                .append("<th class=\"num\">tokens out</th><th class=\"num\">cost</th></tr>");
        empty(b, runs.isEmpty(), 9, "No Claude Code runs yet: a Master's question or command runs one, and so does each "
                + "proactive cycle.");
        for (Run r : runs) {
            b.append("<tr><td>").append(time(r.at())).append("</td><td>").append(esc(r.scope())).append("</td><td>")
                    .append(r.jobId() != null ? "job #" + r.jobId() : r.cycleId() != null ? "cycle #" + r.cycleId() : "")
                    .append(r.purpose() == null ? "" : " · " + esc(r.purpose())).append("</td><td>").append(status(r.result()))
                    .append("</td><td class=\"num\">").append(seconds(r.startedAt(), r.finishedAt())).append("</td><td class=\"num\">")
                    .append(r.turns() == null ? "" : r.turns()).append("</td><td class=\"num\">").append(num(r.tokensInput()))
                    .append("</td><td class=\"num\">").append(num(r.tokensOutput())).append("</td><td class=\"num\">")
                    .append(r.costUsd() == null ? "" : CostReport.usd(r.costUsd())).append("</td></tr>");
        }
        b.append("</table><p class=\"hint\">Duration: the reactive job's or proactive cycle's start to finish.</p>");
        return b.append(AdminPage.more("/admin/runs", "", runs.size(), DashboardRoutes.PAGE, runs.isEmpty() ? null : runs.getLast().ledgerId())).toString();
    }

    static String deployments(List<Deployment> deployments) {
        StringBuilder b = new StringBuilder();
        if (deployments.isEmpty()) {
            b.append("<p class=\"hint\">No deployment yet: run <code>java -jar server-agent.jar deploy</code> (or install the git "
                    + "hook with <code>install-hook</code>) to test, build and swap in a new version with rollback.</p>");
        }
        boolean first = true;
        for (Deployment d : deployments) {
            b.append("<details class=\"deployment\" id=\"d").append(d.id()).append("\"").append(first ? " open" : "").append("><summary>#")
                    .append(d.id()).append(' ').append(status(d.status())).append(" <code>").append(esc(d.gitSha())).append("</code> ")
                    .append(esc(d.branch())).append(" · ").append(esc(d.runtime())).append(" · ").append(time(d.startedAt()))
                    .append(" · ").append(seconds(d.startedAt(), d.finishedAt())).append("</summary>");
            if (d.rollbackReason() != null) {
                b.append("<p class=\"error\">Rolled back: ").append(esc(d.rollbackReason())).append("</p>");
            }
            b.append("<pre class=\"report\">").append(d.report() == null ? "(no report yet)" : esc(d.report())).append("</pre></details>");
            first = false;
        }
        return b.toString();
    }

    /** An empty table's one row, saying what would fill it. */
    private static void empty(StringBuilder b, boolean empty, int columns, String what) {
        if (empty) {
            b.append("<tr class=\"empty\"><td colspan=\"").append(columns).append("\">").append(esc(what)).append("</td></tr>");
        }
    }

    private static String filters(String path, java.util.Set<String> statuses, Optional<String> current) {
        StringBuilder b = new StringBuilder("<p class=\"filters\">Show: <a href=\"").append(path).append("\">all</a>");
        for (String s : new TreeSet<>(statuses)) {
            b.append(" · <a href=\"").append(path).append("?status=").append(s).append("\"")
                    .append(current.filter(s::equals).isPresent() ? " class=\"here\"" : "").append(">").append(s).append("</a>");
        }
        return b.append("</p>").toString();
    }
}
