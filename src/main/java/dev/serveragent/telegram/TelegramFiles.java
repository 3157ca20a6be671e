package dev.serveragent.telegram;

import com.pengrad.telegrambot.TelegramBot;
import dev.serveragent.media.FileSource;
import dev.serveragent.media.MediaException;
import com.pengrad.telegrambot.request.GetFile;
import com.pengrad.telegrambot.response.GetFileResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import dev.serveragent.net.OutgoingHttp;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import java.time.Duration;

/**
 * Downloads a file a user sent: getFile for its path, then {@code {api}/file/bot{token}/{path}},
 * never more than {@link #MAX_BYTES} (Telegram's limit for bots). The URL holds the token, so it
 * is never logged or put in an error message.
 */
public final class TelegramFiles implements FileSource {
    public static final long MAX_BYTES = 20L * 1024 * 1024;

    /** A downloaded file and the path Telegram gave it. */
    public record Download(byte[] bytes, String filePath) {}

    /** The file is over Telegram's download limit: only its metadata can be kept. */
    public static final class TooLargeException extends FileSource.TooLargeException {
        public final long size;

        TooLargeException(long size) {
            super("file of " + size + " bytes is over the " + MAX_BYTES + " bytes Telegram lets bots download");
            this.size = size;
        }
    }

    private final TelegramBot bot;
    private final String fileBase;
    private final OkHttpClient http = OutgoingHttp.builder(Duration.ofSeconds(10), Duration.ofMinutes(2))
            .callTimeout(Duration.ofMinutes(2)).build(); // follows redirects, as OkHttp does by default

    public TelegramFiles(TelegramBot bot, URI apiUrl, String token) {
        this.bot = bot;
        this.fileBase = apiUrl.toString().replaceAll("/+$", "") + "/file/bot" + token + "/";
    }

    /** Downloads the file of a placeholder Telegram's ingestion wrote ({@code source.file_id}). */
    @Override
    public Fetched fetch(com.fasterxml.jackson.databind.JsonNode source) {
        Download d = download(source.path("file_id").asText());
        return new Fetched(d.bytes(), d.filePath(), null);
    }

    public Download download(String fileId) {
        GetFileResponse r;
        try {
            r = bot.execute(new GetFile(fileId));
        } catch (RuntimeException e) {
            throw new MediaException("getFile failed: " + e.getClass().getSimpleName());
        }
        if (!r.isOk() || r.file() == null || r.file().filePath() == null) {
            if (r.description() != null && r.description().toLowerCase(java.util.Locale.ROOT).contains("too big")) {
                throw new TooLargeException(-1);
            }
            throw new MediaException("getFile refused: " + r.errorCode() + " " + r.description());
        }
        if (r.file().fileSize() != null && r.file().fileSize() > MAX_BYTES) {
            throw new TooLargeException(r.file().fileSize());
        }
        String path = r.file().filePath();
        try (Response response = http.newCall(new Request.Builder().url(fileBase + path).get().build()).execute();
             InputStream in = response.body().byteStream()) {
            if (response.code() != 200) {
                throw new MediaException("file download answered HTTP " + response.code());
            }
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new TooLargeException(bytes.length);
            }
            return new Download(bytes, path);
        } catch (IOException e) {
            throw new MediaException("file download failed: " + e.getClass().getSimpleName());
        }
    }
}
