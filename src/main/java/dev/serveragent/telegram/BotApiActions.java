package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.request.InlineKeyboardMarkup;
import com.pengrad.telegrambot.request.AnswerCallbackQuery;
import com.pengrad.telegrambot.request.BaseRequest;
import com.pengrad.telegrambot.request.EditMessageReplyMarkup;
import com.pengrad.telegrambot.request.EditMessageText;
import com.pengrad.telegrambot.response.BaseResponse;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link TelegramActions} through the Bot API; with Telegram off ({@code bot} empty) every call returns false. */
public final class BotApiActions implements TelegramActions {
    private static final Logger log = LoggerFactory.getLogger(BotApiActions.class);
    private final Optional<TelegramBot> bot;

    public BotApiActions(Optional<TelegramBot> bot) {
        this.bot = bot;
    }

    @Override
    public boolean answerCallbackQuery(String callbackQueryId, String text) {
        AnswerCallbackQuery request = new AnswerCallbackQuery(callbackQueryId);
        if (text != null && !text.isEmpty()) {
            request.text(text);
        }
        return call("answerCallbackQuery", request);
    }

    @Override
    public boolean removeInlineKeyboard(long chatId, long telegramMessageId) {
        return call("editMessageReplyMarkup",
                new EditMessageReplyMarkup(chatId, Math.toIntExact(telegramMessageId)).replyMarkup(new InlineKeyboardMarkup()));
    }

    @Override
    public boolean editMessageText(long chatId, long telegramMessageId, String text) {
        return call("editMessageText", new EditMessageText(chatId, Math.toIntExact(telegramMessageId), text));
    }

    private <T extends BaseRequest<T, R>, R extends BaseResponse> boolean call(String method, BaseRequest<T, R> request) {
        if (bot.isEmpty()) {
            return false;
        }
        try {
            R response = bot.get().execute(request);
            if (!response.isOk()) {
                log.warn("Telegram {} failed: {} {}", method, response.errorCode(), response.description());
            }
            return response.isOk();
        } catch (RuntimeException e) {
            log.warn("Telegram {} failed: {}", method, e.toString());
            return false;
        }
    }
}
