package dev.serveragent;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import dev.serveragent.runtime.ServerAgentException;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The package rules of DESIGN.md and STYLE.md, checked on the production classes. */
class ArchitectureTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.serveragent");

    /**
     * Classes outside {@code store/} that name Jdbi types without running SQL, each with its reason.
     * (Application, Main and DeployCommands need no entry: they only pass {@code Database.jdbi()} on.)
     */
    private static final Set<String> DATABASE_TYPES_ALLOWED = Set.of();

    /** Methods of store/ and config/ allowed to sleep (none: loops wait on a stop latch instead). */
    private static final Set<String> SLEEP_ALLOWED_IN = Set.of();

    @Test
    void sql_lives_in_store() {
        noClasses().that().resideOutsideOfPackage("dev.serveragent.store..")
                .and().haveSimpleNameNotEndingWith("Repository")
                .and(not(inAnyOf(DATABASE_TYPES_ALLOWED)))
                .should().dependOnClassesThat(resideInAnyPackage("org.jdbi..", "java.sql.."))
                .because("all SQL of a table group lives in its repository class: under store/, or, for a channel's own"
                        + " tables (Telegram's updates, poll state and pace; the console's messages), in the channel's package")
                .check(CLASSES);
    }

    @Test
    void the_shared_repositories_are_built_once() {
        // DeployCommands is the deploy process, which runs no agent: it opens its own pool.
        noClasses().that().resideOutsideOfPackage("dev.serveragent.store..")
                .and(not(inAnyOf(Set.of(DeployCommands.class.getName()))))
                .should().callConstructorWhere(describe("a constructor of a store/ repository",
                        call -> call.getTargetOwner().getPackageName().startsWith("dev.serveragent.store")
                                && (call.getTargetOwner().getSimpleName().endsWith("Repository")
                                        || call.getTargetOwner().getSimpleName().equals("Transactions"))))
                .because("store.Repositories builds each repository of the shared tables once; modules take them from it"
                        + " (a channel's own tables have their repositories in its package)")
                .check(CLASSES);
    }

    @Test
    void config_depends_on_no_other_part_of_the_agent() {
        noClasses().that().resideInAPackage("dev.serveragent.config..")
                .should().dependOnClassesThat(resideInAPackage("dev.serveragent..")
                        .and(not(resideInAPackage("dev.serveragent.config..")))
                        .and(not(inAnyOf(Set.of(ServerAgentException.class.getName())))))
                .because("configuration is read and validated before anything else exists")
                .check(CLASSES);
    }

    @Test
    void only_the_entry_points_know_application_and_main() {
        // DeployCommands holds Main's deploy and install-hook subcommands (split out of Main.java
        // for size): picocli hands them Main itself as their @ParentCommand.
        Set<String> entryPoints = Set.of(Application.class.getName(), Main.class.getName());
        noClasses().that(not(inAnyOf(Set.of(Application.class.getName(), Main.class.getName(),
                        DeployCommands.class.getName()))))
                .should().dependOnClassesThat(inAnyOf(entryPoints))
                .because("Application and Main wire the capabilities; the capabilities never reach back")
                .check(CLASSES);
    }

    @Test
    void no_package_cycles() {
        slices().matching("dev.serveragent.(*)..")
                .should().beFreeOfCycles()
                .because("a package that needs another is below it; two that need each other are one package or a missing third")
                .check(CLASSES);
    }

    @Test
    void the_store_knows_no_feature() {
        noClasses().that().resideInAPackage("dev.serveragent.store..")
                .should().dependOnClassesThat(resideInAPackage("dev.serveragent..")
                        .and(not(resideInAnyPackage("dev.serveragent.store..", "dev.serveragent.config..", "dev.serveragent.runtime.."))))
                .because("every capability stores through store/; store/ takes and returns its own types, config and runtime only")
                .check(CLASSES);
    }

    @Test
    void only_the_composition_root_knows_the_dashboard() {
        noClasses().that().resideOutsideOfPackage("dev.serveragent.admin..")
                .and(outsideRootPackage())
                .should().dependOnClassesThat(resideInAPackage("dev.serveragent.admin.."))
                .because("admin/ is the dashboard, a leaf; HTTP plumbing (server, routes, readiness) lives in web/")
                .check(CLASSES);
    }

    @Test
    void nothing_outside_the_root_knows_the_root_package() {
        noClasses().that(outsideRootPackage())
                .should().dependOnClassesThat(inRootPackage())
                .because("the root package is the composition root and CLI; the lifecycle and the base exception live in runtime/")
                .check(CLASSES);
    }

    @Test
    void the_pipeline_is_channel_neutral() {
        noClasses().that().resideInAnyPackage("dev.serveragent.reactive..", "dev.serveragent.proactive..",
                        "dev.serveragent.deploy..", "dev.serveragent.channel..", "dev.serveragent.console..", "dev.serveragent.masters..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.serveragent.telegram..", "com.pengrad.."))
                .because("Telegram is one channel of the pipeline, chosen by chat_threads.platform (DESIGN.md §2)")
                .check(CLASSES);
    }

    @Test
    void store_and_config_never_sleep() {
        noClasses().that().resideInAnyPackage("dev.serveragent.store..", "dev.serveragent.config..")
                .should().callMethodWhere(describe("Thread.sleep",
                        call -> call.getTargetOwner().isEquivalentTo(Thread.class) && call.getName().equals("sleep")
                                && !SLEEP_ALLOWED_IN.contains(call.getOrigin().getFullName())))
                .because("waiting belongs to the background components, with an injected Clock and a way to stop")
                .check(CLASSES);
    }

    @Test
    void the_pipeline_names_no_platform() throws java.io.IOException {
        // Each channel is chosen by chat_threads.platform through the channel port (docs/ARCHITECTURE.md,
        // "Adding a channel"): the store, the reactive loop, the Masters and media name none.
        noClasses().that().resideInAnyPackage("dev.serveragent.store..", "dev.serveragent.reactive..",
                        "dev.serveragent.masters..", "dev.serveragent.media..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.serveragent.telegram..", "dev.serveragent.console.."))
                .because("a channel's code lives in its own package, behind the channel port")
                .check(CLASSES);
        // Constants are inlined by the compiler, so the sources are read for the platform values; the agent's
        // own line to the Master (proactive) and the deploy's notifier take theirs from the root, too.
        java.util.regex.Pattern platform = java.util.regex.Pattern.compile(
                "[\"']telegram[\"']|[\"']console[\"']|Channel\\.(TELEGRAM|CONSOLE)\\b|com\\.pengrad");
        for (String pkg : new String[] {"store", "reactive", "masters", "media", "proactive", "deploy", "agenda", "mcp"}) {
            try (var files = java.nio.file.Files.walk(java.nio.file.Path.of("src/main/java/dev/serveragent", pkg))) {
                for (java.nio.file.Path f : files.filter(x -> x.toString().endsWith(".java")).toList()) {
                    org.assertj.core.api.Assertions.assertThat(platform.matcher(java.nio.file.Files.readString(f)).find())
                            .as(f + " names a platform").isFalse();
                }
            }
        }
    }

    /** Classes of the package {@code dev.serveragent} itself (Main, Application, DeployCommands), not of its subpackages. */
    private static DescribedPredicate<JavaClass> inRootPackage() {
        return describe("reside in the root package dev.serveragent", c -> c.getPackageName().equals("dev.serveragent"));
    }

    private static DescribedPredicate<JavaClass> outsideRootPackage() {
        return describe("reside outside the root package dev.serveragent", c -> !c.getPackageName().equals("dev.serveragent"));
    }

    /** The named classes and the classes nested in them. */
    private static DescribedPredicate<JavaClass> inAnyOf(Set<String> names) {
        return describe("one of " + names, c -> names.contains(c.getName())
                || names.stream().anyMatch(n -> c.getName().startsWith(n + "$")));
    }

    private static <T> DescribedPredicate<T> not(DescribedPredicate<? super T> p) {
        return DescribedPredicate.not(p);
    }
}
