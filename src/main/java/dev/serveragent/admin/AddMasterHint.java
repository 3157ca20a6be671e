package dev.serveragent.admin;

import dev.serveragent.masters.Pairing;
import dev.serveragent.masters.PairingInvite;

/**
 * What the dashboard says while no Master is active: the two ways to add one ({@code
 * MASTER_CHAT_IDS}, or pairing with the current code and, once the bot's @username is known, its
 * one-tap link), or, with Telegram off, how to turn it on.
 */
final class AddMasterHint {
    private final boolean telegramOn;
    private final PairingInvite invite;

    AddMasterHint(boolean telegramOn, PairingInvite invite) {
        this.telegramOn = telegramOn;
        this.invite = invite;
    }

    /** Plain text, for the API. */
    String text() {
        if (!telegramOn) {
            return OFF;
        }
        return "No Master yet. Add one: set MASTER_CHAT_IDS=<your Telegram user id> in .env and restart, or pair from Telegram: "
                + invite.instruction(invite.current());
    }

    /** The same, with the pairing link as a link. */
    String html() {
        if (!telegramOn) {
            return AdminPage.esc(OFF);
        }
        Pairing.Code code = invite.current();
        String text = AdminPage.esc(text());
        return invite.link(code).map(link -> text.replace(AdminPage.esc(link),
                "<a id=\"pairing-link\" href=\"" + AdminPage.esc(link) + "\">" + AdminPage.esc(link) + "</a>")).orElse(text);
    }

    private static final String OFF = "No Telegram Master: Telegram is off, so the console's user is the only Master. To add one, "
            + "create a bot with @BotFather, set TELEGRAM_BOT_TOKEN in .env and restart; this table then says how to pair.";
}
