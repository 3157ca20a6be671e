package dev.serveragent.telegram;

/**
 * Told of every inline-button press after the update that carried it is committed. The reactive
 * loop implements it (approvals). Called on the ingesting thread; must not block for long.
 */
@FunctionalInterface
public interface CallbackListener {
    void onCallback(CallbackQuery query);

    /**
     * @param id Telegram's callback_query id, for {@code answerCallbackQuery}
     * @param chatId the chat of the message that carried the button
     * @param fromUserId who pressed it
     * @param messageId the Telegram message id of the message with the button, when known
     * @param data the button's callback_data
     * @param threadId the stored thread of {@code chatId}
     */
    record CallbackQuery(String id, long chatId, long fromUserId, long messageId, String data, long threadId) {}
}
