package dev.serveragent.console;

import dev.serveragent.masters.Masters;
import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingInvite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the console tells its user above the conversation: a missing model and the line that
 * fixes it, which login the agent uses, and, with Telegram on and no Master yet, the pairing code.
 */
public final class Notices {
    /**
     * One notice; {@code code} is set for the pairing notice (the code to send), {@code link} too
     * once the bot's @username is known (the page shows it as a QR code, {@link PairingQr}).
     */
    public record Notice(String kind, String text, String code, String link) {
        public Notice(String kind, String text, String code) {
            this(kind, text, code, null);
        }
    }

    private final Optional<String> missingModel;
    private final Optional<String> modelNote;
    private final boolean telegramOn;
    private final Masters masters;
    private final PairingInvite invite;
    private final Path secretsFile;
    private final Optional<String> proactive;

    /** @param secretsFile the {@code .env.secrets} that hints send tokens to (absolute) */
    public Notices(Optional<String> missingModel, Optional<String> modelNote, boolean telegramOn, Masters masters, PairingInvite invite,
                   Path secretsFile) {
        this(missingModel, modelNote, telegramOn, masters, invite, secretsFile, Optional.empty());
    }

    /** @param proactive the proactive loop's notice when it runs: what it does, how to give it work, how to pause it */
    public Notices(Optional<String> missingModel, Optional<String> modelNote, boolean telegramOn, Masters masters, PairingInvite invite,
                   Path secretsFile, Optional<String> proactive) {
        this.proactive = proactive;
        this.secretsFile = secretsFile;
        this.missingModel = missingModel;
        this.modelNote = modelNote;
        this.telegramOn = telegramOn;
        this.masters = masters;
        this.invite = invite;
    }

    public List<Notice> current() {
        List<Notice> out = new ArrayList<>();
        missingModel.ifPresent(m -> out.add(new Notice("model", m, null)));
        modelNote.ifPresent(m -> out.add(new Notice("info", m, null)));
        proactive.ifPresent(m -> out.add(new Notice("info", m, null)));
        if (telegramOn && !masters.anyListedOrPaired()) {
            Pairing.Code code = invite.current();
            out.add(new Notice("pairing", "To talk to me from Telegram too, " + invite.instruction(code), code.code(),
                    invite.link(code).orElse(null)));
        } else if (!telegramOn) {
            out.add(new Notice("info", "Telegram is off. To use it as well, create a bot with @BotFather, set "
                    + "TELEGRAM_BOT_TOKEN=<its token> in " + secretsFile + " (readable by you only: chmod 600) and restart;"
                    + " this page then shows a pairing code.", null));
        }
        return out;
    }
}
