package dev.serveragent.telegram;

/**
 * Immediate Bot API calls that are not messages to store (acknowledging a button press, editing
 * or un-buttoning a message already sent). Failures are logged and reported as {@code false};
 * they never throw. With Telegram off they do nothing and return {@code false}.
 */
public interface TelegramActions {
    boolean answerCallbackQuery(String callbackQueryId, String text);

    boolean removeInlineKeyboard(long chatId, long telegramMessageId);

    boolean editMessageText(long chatId, long telegramMessageId, String text);
}
