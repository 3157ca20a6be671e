package dev.serveragent.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.serveragent.web.HttpRoutes;
import dev.serveragent.channel.Channel;
import dev.serveragent.media.MediaModule;
import dev.serveragent.store.DatabaseUnavailableException;
import dev.serveragent.web.WebAccess;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ContentTooLargeResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;
import io.javalin.router.JavalinDefaultRoutingApi;
import jakarta.servlet.MultipartConfigElement;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /console/api/upload}: a photo, a voice note or a document from the browser
 * (multipart: {@code file}, optional {@code text} caption and {@code nonce}). The file is checked
 * (size, type by its bytes, name), kept in the blob store, then stored as the Master's message with
 * its artifact placeholder and job in one transaction: the media worker derives the same artifacts
 * as for Telegram, and the classification waits for them. A refused upload stores nothing.
 */
public final class ConsoleUploadRoutes implements HttpRoutes {
    /** Largest file accepted: Telegram's limit for bots, so both channels take the same files. */
    static final long MAX_FILE_BYTES = 20L * 1024 * 1024;
    /** The whole request: the file, the caption and the multipart framing. */
    static final long MAX_REQUEST_BYTES = MAX_FILE_BYTES + 256 * 1024;
    /** Parts above this are spooled to a temporary file by Jetty rather than held in memory. */
    static final int IN_MEMORY_BYTES = 1024 * 1024;
    private static final String MULTIPART_CONFIG = "org.eclipse.jetty.multipartConfig";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(ConsoleUploadRoutes.class);

    private final WebAccess access;
    private final ConsoleRepository repository;
    private final ConsoleFeed feed;
    private final MediaModule media;
    private final Clock clock;

    public ConsoleUploadRoutes(WebAccess access, ConsoleRepository repository, ConsoleFeed feed, MediaModule media, Clock clock) {
        this.access = access;
        this.repository = repository;
        this.feed = feed;
        this.media = media;
        this.clock = clock;
    }

    @Override
    public void addTo(JavalinDefaultRoutingApi routes) {
        routes.post("/console/api/upload", this::upload);
        routes.get("/console/api/files/{id}", this::download);
    }

    /** Types a browser may be told as they are; anything else (HTML, SVG, XML, scripts) goes as bytes. */
    static final java.util.Set<String> SHOWN_TYPES = java.util.Set.of("image/png", "image/jpeg", "image/gif", "image/webp",
            "application/pdf", "text/plain", "text/csv", "application/json", "application/zip", "audio/ogg", "audio/mpeg",
            "audio/mp4", "audio/webm", "audio/wav", "audio/flac");

    /**
     * {@code GET /console/api/files/{message id}}: a file of the console's conversation (one the
     * agent sent, or an upload), with the console's login. Always a download ({@code
     * Content-Disposition: attachment}), never sniffed, and with a sandboxing policy; a type that a
     * browser would run or render as a page (HTML, SVG, XML) is sent as {@code application/octet-stream}.
     */
    private void download(Context ctx) {
        access.requireApi(ctx);
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new io.javalin.http.NotFoundResponse("no such file");
        }
        ConsoleRepository.Download file = repository.download(repository.threadId(), id)
                .orElseThrow(() -> new io.javalin.http.NotFoundResponse("no such file"));
        byte[] bytes;
        try {
            bytes = media.blobs().get(URI.create(file.uri()));
        } catch (RuntimeException e) {
            log.warn("Console download of message {} not read from the blob store: {}", id, e.toString());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "the file cannot be read now; try again"));
            return;
        }
        String type = file.mimeType() == null ? "" : file.mimeType().toLowerCase(java.util.Locale.ROOT);
        ctx.header("Content-Disposition", attachment(file.name()));
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Content-Security-Policy", "sandbox; default-src 'none'");
        ctx.header("Cache-Control", "private, no-store");
        ctx.contentType(SHOWN_TYPES.contains(type) ? type : "application/octet-stream").result(bytes);
    }

    /** {@code attachment} with an ASCII {@code filename} and the exact name as RFC 5987 {@code filename*}. */
    static String attachment(String name) {
        String n = name == null || name.isBlank() ? "file" : name;
        String ascii = n.replaceAll("[^A-Za-z0-9._ -]", "_");
        String encoded = java.net.URLEncoder.encode(n, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
    }

    private void upload(Context ctx) {
        access.requireCsrf(ctx);
        if (ctx.req().getContentLengthLong() > MAX_REQUEST_BYTES) {
            throw new ContentTooLargeResponse("the file is over " + mb(MAX_FILE_BYTES) + " MB, the most I take");
        }
        if (!String.valueOf(ctx.contentType()).toLowerCase(java.util.Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestResponse("send the file as multipart/form-data in a field named \"file\"");
        }
        // Jetty's own limits for this request (the server-wide body limit is for JSON, far smaller).
        ctx.req().setAttribute(MULTIPART_CONFIG, new MultipartConfigElement(System.getProperty("java.io.tmpdir"),
                MAX_FILE_BYTES, MAX_REQUEST_BYTES, IN_MEMORY_BYTES));
        List<UploadedFile> files;
        String caption;
        String nonce;
        try {
            files = ctx.uploadedFiles("file");
            caption = ctx.formParam("text");
            nonce = ctx.formParam("nonce");
        } catch (Exception e) { // Jetty's ServletException too (thrown unchecked through Kotlin): a bad upload is the client's
            if (tooLarge(e)) {
                throw new ContentTooLargeResponse("the file is over " + mb(MAX_FILE_BYTES) + " MB, the most I take");
            }
            throw new BadRequestResponse("the upload could not be read: " + e.getClass().getSimpleName());
        }
        if (files.size() != 1) {
            throw new BadRequestResponse("send exactly one file in the field \"file\" (got " + files.size() + ")");
        }
        UploadedFile file = files.getFirst();
        byte[] bytes = read(file);
        if (bytes.length == 0) {
            throw new BadRequestResponse("the file \"" + UploadKind.displayName(file.filename(), "") + "\" is empty");
        }
        if (caption != null && caption.length() > ConsoleRoutes.MAX_TEXT_CHARS) {
            throw new ContentTooLargeResponse("\"text\" is over " + ConsoleRoutes.MAX_TEXT_CHARS + " characters");
        }
        if (nonce != null && !ConsoleRoutes.NONCE.matcher(nonce).matches()) {
            throw new BadRequestResponse("\"nonce\" must be 1-64 characters of A-Z, a-z, 0-9, _ and -");
        }
        UploadKind kind = UploadKind.sniff(bytes);
        String disagreement = kind.disagreement(file.contentType());
        if (disagreement != null) {
            ctx.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json(Map.of("error", disagreement));
            return;
        }
        String name = UploadKind.displayName(file.filename(), kind.extension());
        store(ctx, bytes, kind, name, caption == null || caption.isBlank() ? null : ConsoleRoutes.storable(caption), Optional.ofNullable(nonce));
    }

    private void store(Context ctx, byte[] bytes, UploadKind kind, String name, String caption, Optional<String> nonce) {
        String key = "console/" + clock.instant().atOffset(ZoneOffset.UTC).toLocalDate() + "/" + UUID.randomUUID() + "-"
                + UploadKind.keyName(name);
        URI uri;
        try {
            uri = media.blobs().put(key, bytes, kind.mime());
        } catch (RuntimeException e) {
            log.warn("Console upload not kept: {}", e.toString());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "the file could not be kept (" + e.getMessage() + "); nothing was stored"));
            return;
        }
        ObjectNode shown = JSON.createObjectNode().put("name", name).put("type", kind.mime()).put("size", bytes.length).put("media", kind.media());
        ObjectNode source = shown.deepCopy().put("from", Channel.CONSOLE).put("uri", uri.toString())
                .put("file_name", name).put("mime_type", kind.mime()).put("file_size", bytes.length);
        String artifact = switch (kind.media()) {
            case "photo" -> media.vision() ? "image_json" : "file_meta";
            case "voice" -> media.transcription() ? "voice_transcript" : "file_meta";
            default -> "file_meta"; // a document: its metadata, and the text of a PDF or a text file
        };
        try {
            ConsoleRepository.Stored stored = repository.storeUserUpload(repository.threadId(), Channel.CONSOLE_USER, caption,
                    new ConsoleRepository.Upload(kind.media(), shown.toString(), artifact, source.toString()), nonce, clock.instant());
            if (stored.duplicate()) {
                discard(uri); // the nonce's first upload has its own blob: this copy would be kept by nothing
            }
            media.worker().wake();
            feed.wake();
            ctx.json(Map.of("message_id", stored.messageId(), "duplicate", stored.duplicate(), "media", kind.media()));
        } catch (DatabaseUnavailableException e) {
            discard(uri);
            log.warn("Console upload refused: {}", e.getMessage());
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).json(Map.of("error", "the database is unavailable; try again"));
        }
    }

    /** Removes a kept blob that no row refers to; a failure leaves an orphan, which is logged, never the client's problem. */
    private void discard(URI uri) {
        try {
            media.blobs().delete(uri);
        } catch (RuntimeException e) {
            log.warn("Console upload's unreferenced blob {} not removed: {}", uri, e.toString());
        }
    }

    private static byte[] read(UploadedFile file) {
        if (file.size() > MAX_FILE_BYTES) {
            throw new ContentTooLargeResponse("the file is over " + mb(MAX_FILE_BYTES) + " MB, the most I take");
        }
        try (InputStream in = file.content()) {
            return in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new BadRequestResponse("the upload could not be read: " + e.getClass().getSimpleName());
        }
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("max") || m.contains("too large") || m.contains("exceed")) {
                return true;
            }
        }
        return false;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
