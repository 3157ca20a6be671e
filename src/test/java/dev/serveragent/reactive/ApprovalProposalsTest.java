package dev.serveragent.reactive;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.Outbox;
import dev.serveragent.config.ApprovalConfig;
import dev.serveragent.masters.Masters;
import dev.serveragent.proactive.MasterChannel;
import dev.serveragent.store.ApprovalRepository;
import dev.serveragent.store.MasterRepository;
import dev.serveragent.store.ThreadRepository;
import dev.serveragent.store.Transactions;
import dev.serveragent.testing.TestClock;
import dev.serveragent.testing.TestDatabase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A proactive proposal is written as ClassifyStep writes a parked job: its job, approval and button together or not at all. */
class ApprovalProposalsTest {
    TestDatabase db;
    TestClock clock = new TestClock(Instant.parse("2026-12-05T12:00:00Z"));

    @BeforeEach
    void setUp() {
        db = TestDatabase.create();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void a_proposal_whose_button_cannot_be_queued_leaves_no_job_and_no_approval_behind() {
        Outbox broken = new Outbox() {
            @Override
            public List<Long> send(long threadId, String text) {
                throw new IllegalStateException("outbox down");
            }

            @Override
            public List<Long> sendMarkdown(long threadId, String markdown) {
                throw new IllegalStateException("outbox down");
            }

            @Override
            public List<Long> sendWithButton(long threadId, String text, String buttonText, String callbackData) {
                throw new IllegalStateException("outbox down");
            }
        };
        MasterChannel master = new MasterChannel(broken,
                new Masters(List.of(dev.serveragent.console.ConsoleChannel.MASTERS), new MasterRepository(db.jdbi()), clock),
                List.of(dev.serveragent.channel.Channel.CONSOLE), new ThreadRepository(db.jdbi(), clock));
        ApprovalProposals proposals = new ApprovalProposals(master, new ApprovalRepository(db.jdbi()), broken,
                new Transactions(db.jdbi()), new ApprovalConfig(ApprovalConfig.Policy.AUTO, ApprovalConfig.DEFAULT_TIMEOUT), clock);

        proposals.propose("rotate the logs", "the disk fills in a week"); // logged, not thrown: the cycle goes on

        assertThat(count("approvals")).as("no approval without its button").isZero();
        assertThat(count("reactive_jobs")).as("no job parked behind an approval nobody sees").isZero();
    }

    private long count(String table) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from " + table).mapTo(Long.class).one());
    }
}
