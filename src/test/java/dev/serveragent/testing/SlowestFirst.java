package dev.serveragent.testing;

import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Starts the longest test classes first (the rest keep their order), so that with classes running
 * in parallel no long class starts last and runs alone at the end. The list is by simple name, from
 * a measured run of the suite (issue 20); a class missing from it or renamed only loses its head start.
 */
public final class SlowestFirst implements ClassOrderer {
    /** Slowest first: each of these runs half a minute or more of real time on a 2-core machine. */
    static final List<String> SLOWEST = List.of(
            // Two lanes, each one class at a time: Locks.CHILD_JVMS (the longest chain of the suite)
            // and Locks.DEPLOYS beside it. The first class of each starts at once.
            "SigkillFaultsTest",        // CHILD_JVMS: child JVMs killed and restarted
            "ProcessDeployTest",        // DEPLOYS: real deploys: git, javac, child processes
            "ReplicasProcessTest",      // CHILD_JVMS: two child JVMs
            "DeployDefectsTest",        // DEPLOYS
            "ReactiveCrashTest",        // CHILD_JVMS
            "EmbeddedDatabaseCrashTest", // @Isolated: JUnit runs it last, alone
            "ShutdownTest",             // CHILD_JVMS
            "WebhookBadInputTest",      // CHILD_JVMS: 10,000 generated webhook bodies
            // The others.
            "ClosingBotApiTest",        // 1,000 sends spaced 0-4.8 s apart: most of a minute of idle time by design
            "ReactiveFlowTest",
            "ConsoleBrowserTest",
            "ModesTest",
            "DeliveryRulesTest",
            "SlowClientsTest",          // about 13 s since it sets a 4 s body deadline (was 30 s): re-rank at the next measured run
            "OutboxTest",
            "ZeroDowntimeDeployTest",
            "DashboardBrowserTest",
            "WebhookTest");

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt(SlowestFirst::rank));
    }

    private static int rank(ClassDescriptor d) {
        int i = SLOWEST.indexOf(d.getTestClass().getSimpleName());
        return i < 0 ? SLOWEST.size() : i;
    }
}
