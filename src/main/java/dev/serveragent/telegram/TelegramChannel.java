package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import com.pengrad.telegrambot.model.request.InlineKeyboardMarkup;
import com.pengrad.telegrambot.request.AnswerCallbackQuery;
import com.pengrad.telegrambot.request.BaseRequest;
import com.pengrad.telegrambot.request.EditMessageReplyMarkup;
import com.pengrad.telegrambot.request.EditMessageText;
import com.pengrad.telegrambot.response.BaseResponse;
import dev.serveragent.channel.Channel;
import dev.serveragent.channel.Press;
import dev.serveragent.store.ContextRepository;
import dev.serveragent.store.OutboxRepository;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Telegram as a {@link Channel}: new messages go out through the outbox sender (woken here);
 * presses are answered, edits and button removals made through the Bot API at once. A failed
 * call is logged and not retried: the stored message already holds the change.
 *
 * <p>{@code answerCallbackQuery} runs on a virtual thread of its own, not on the webhook request
 * that carried the press (issue 18: a slow Bot API held webhook threads). The press and its
 * decision are committed before the webhook answers 200; the answer only stops the button's
 * spinner, so at most {@link #MAX_ANSWERS_IN_FLIGHT} are in flight and one past that is dropped
 * with a warning (Telegram then stops the spinner by itself).
 */
public final class TelegramChannel implements Channel {
    private static final Logger log = LoggerFactory.getLogger(TelegramChannel.class);
    static final int MAX_ANSWERS_IN_FLIGHT = 64;
    private final TelegramBot bot;
    private final OutboxSender sender;
    private final Semaphore answersInFlight = new Semaphore(MAX_ANSWERS_IN_FLIGHT);
    private final ThreadFactory answerThreads = Thread.ofVirtual().name("telegram-answer-", 0).factory();

    TelegramChannel(TelegramBot bot, OutboxSender sender) {
        this.bot = bot;
        this.sender = sender;
    }

    @Override
    public boolean takesFiles() {
        return true; // sendPhoto or sendDocument (OutboxSender)
    }

    @Override
    public String platform() {
        return TELEGRAM;
    }

    @Override
    public String describe() {
        return "Telegram";
    }

    @Override
    public OutboxRepository.Delivery delivery() {
        return OutboxRepository.Delivery.SENDER; // the OutboxSender
    }

    @Override
    public ContextRepository.PayloadReader payloads() {
        return TelegramPayloads.INSTANCE;
    }

    @Override
    public void answerPress(Press press, String text) {
        AnswerCallbackQuery request = new AnswerCallbackQuery(press.pressId());
        if (text != null && !text.isEmpty()) {
            request.text(text);
        }
        if (!answersInFlight.tryAcquire()) {
            log.warn("Telegram answerCallbackQuery dropped: {} answers already waiting for the Bot API", MAX_ANSWERS_IN_FLIGHT);
            return;
        }
        answerThreads.newThread(() -> {
            try {
                call("answerCallbackQuery", request);
            } finally {
                answersInFlight.release();
            }
        }).start();
    }

    @Override
    public void edited(long chatId, long platformMessageId, String text) {
        call("editMessageText", new EditMessageText(chatId, Math.toIntExact(platformMessageId), text));
    }

    @Override
    public void buttonRemoved(long chatId, long platformMessageId) {
        call("editMessageReplyMarkup",
                new EditMessageReplyMarkup(chatId, Math.toIntExact(platformMessageId)).replyMarkup(new InlineKeyboardMarkup()));
    }

    @Override
    public void wake() {
        sender.wake();
    }

    private <T extends BaseRequest<T, R>, R extends BaseResponse> void call(String method, BaseRequest<T, R> request) {
        try {
            R response = bot.execute(request);
            if (!response.isOk()) {
                log.warn("Telegram {} failed: {} {}", method, response.errorCode(), response.description());
            }
        } catch (RuntimeException e) {
            log.warn("Telegram {} failed: {}", method, e.toString());
        }
    }
}
