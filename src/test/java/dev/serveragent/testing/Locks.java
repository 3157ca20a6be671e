package dev.serveragent.testing;

/**
 * The {@code @ResourceLock} keys of test classes that must not run beside each other (test classes
 * run in parallel, see {@code src/test/resources/junit-platform.properties}). A class that touches
 * state of the whole JVM for its whole run (System.out, the root logger's level, "no line of the
 * JVM's logs says X") is {@code @Isolated} instead.
 */
public final class Locks {
    /** Chromium takes a core and hundreds of MB: the classes that start one run one at a time. */
    public static final String CHROMIUM = "chromium";
    /**
     * The classes whose apps long-poll Telegram in this JVM: {@code ModesTest} counts the "Telegram
     * long polling started" lines of the JVM's logs. A new class that long-polls in-process takes this lock.
     */
    public static final String LONG_POLLING_LOG = "long-polling-log";

    /**
     * The classes that start the agent in JVMs of their own run one at a time: a
     * JVM's start takes a core for seconds, and with several such classes at once on two cores their
     * child JVMs missed the 60 s start timeout ({@code AppProcess.START}, the deploys' waits).
     * {@code WebhookBadInputTest} takes it too: its 10,000 posts keep a core and Postgres busy for
     * minutes, and a child JVM starting beside it took 30 s to open its database. The deploy classes
     * have a lane of their own ({@link #DEPLOYS}).
     */
    public static final String CHILD_JVMS = "child-jvms";

    /**
     * The deploy classes ({@code ProcessDeployTest}, {@code DeployDefectsTest}) run one at a time, but
     * beside the {@link #CHILD_JVMS} classes: their releases are small fixture services (python, or a
     * one-class jar) and their deploy-command JVMs get 60 s; in the one lane they added about a
     * quarter to the suite's longest chain (issue 20). A new class that runs real deploys takes this lock.
     */
    public static final String DEPLOYS = "deploys";

    private Locks() {}
}
