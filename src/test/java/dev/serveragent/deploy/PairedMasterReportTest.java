package dev.serveragent.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.serveragent.channel.Channel;
import dev.serveragent.store.DeploymentRepository.Status;
import dev.serveragent.store.MasterRepository;
import dev.serveragent.testing.FakeTelegram;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The deploy process tells the same Masters as the agent (issue 20): those of {@code
 * MASTER_CHAT_IDS} and those paired in the database, not the revoked ones. Through the real
 * {@code server-agent deploy --settle-only} and a fake Bot API.
 */
class PairedMasterReportTest extends DeployTestCase {
    static final long PAIRED = 5151L;
    static final long REVOKED = 6161L;
    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    final MasterRepository masters = new MasterRepository(db.jdbi());

    @BeforeEach
    void pairTwoMastersAndRevokeOne() {
        db.jdbi().useHandle(x -> x.execute("delete from masters; delete from pairing_codes"));
        pair(PAIRED, "code-paired");
        pair(REVOKED, "code-revoked");
        assertThat(masters.revoke(Channel.TELEGRAM, REVOKED, "test", T0.plusSeconds(60))).isTrue();
    }

    private void pair(long user, String codeHash) {
        masters.createCode(codeHash, T0, T0.plusSeconds(600));
        assertThat(masters.redeem(codeHash, Channel.TELEGRAM, user, "user " + user, T0.plusSeconds(1)))
                .isEqualTo(MasterRepository.Redeemed.PAIRED);
    }

    /** Leaves a deploy interrupted, so that settling it sends a report; returns its sha. */
    private String interruptedDeploy(String sha) {
        long id = h.deployments.begin(sha, "main", "process", T0);
        h.deployments.advance(id, Status.DEPLOYING);
        return sha;
    }

    private List<String> reportsTo(long chatId, String sha) {
        return telegram.calls("sendMessage").stream().filter(c -> c.param("chat_id").equals(Long.toString(chatId)))
                .map(FakeTelegram.Call::params).map(p -> p.get("text")).filter(t -> t.contains(sha)).toList();
    }

    @Test
    void a_paired_master_gets_the_deploy_report_like_a_listed_one_and_a_revoked_one_does_not() {
        String sha = interruptedDeploy("feedc0de1");

        assertThat(h.deploy("--settle-only")).isEqualTo(0);

        assertThat(reportsTo(DeployHarness.MASTER, sha)).singleElement().asString().contains("Interrupted deploy(s) settled");
        assertThat(reportsTo(PAIRED, sha)).singleElement().asString().contains("Interrupted deploy(s) settled");
        assertThat(reportsTo(REVOKED, sha)).isEmpty();
    }

    @Test
    void with_no_master_chat_ids_the_paired_master_is_still_told() {
        h.env.remove("MASTER_CHAT_IDS");
        String sha = interruptedDeploy("feedc0de2");

        assertThat(h.deploy("--settle-only")).isEqualTo(0);

        assertThat(reportsTo(PAIRED, sha)).singleElement().asString().contains("Interrupted deploy(s) settled");
        assertThat(reportsTo(REVOKED, sha)).isEmpty();
        assertThat(reportsTo(DeployHarness.MASTER, sha)).isEmpty();
    }
}
