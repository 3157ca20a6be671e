package dev.serveragent.mcp;

import dev.serveragent.channel.Outbox;
import dev.serveragent.claude.ClaudeRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * {@code send_file}: a file from the run's working directory to the run's own chat, kept as an
 * artifact with its blob and delivered through the outbox like a reply: Telegram gets it as a
 * photo (a JPEG, PNG or WebP picture up to {@value #MAX_PHOTO_MB} MB) or a document (anything up
 * to {@value #MAX_FILE_MB} MB, Telegram's limit for a bot's upload); the console shows a download.
 *
 * <p>The path is relative to the working directory: an absolute path, {@code ..}, a symlink that
 * leads outside it, a directory, a missing, empty or unreadable file and a file over the limit are
 * refused with a tool error and nothing is stored or sent (the model tells the Master in its
 * answer; nothing is said in the chat by the tool). Question and command runs: the file goes where
 * their answer goes. Not proactive runs, which only notify and propose.
 */
public final class SendFileTool implements AgentTool {
    static final int MAX_FILE_MB = 50;
    static final int MAX_PHOTO_MB = 10;
    static final long MAX_FILE_BYTES = MAX_FILE_MB * 1024L * 1024;
    static final long MAX_PHOTO_BYTES = MAX_PHOTO_MB * 1024L * 1024;
    /** Telegram's limit for a caption. */
    static final int MAX_CAPTION = 1024;
    static final int MAX_PATH = 1000;

    private final Outbox outbox;

    /** @param outbox the one outbox of every channel */
    public SendFileTool(Outbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public String name() {
        return "send_file";
    }

    @Override
    public String description() {
        return "Send a file from your working directory to the Master in this chat (Telegram: a photo for a JPEG, PNG or"
                + " WebP picture up to " + MAX_PHOTO_MB + " MB, else a document; the console: a download). The path is"
                + " relative to the working directory (no absolute paths, no '..'); at most " + MAX_FILE_MB
                + " MB (Telegram's limit). Use it for a file you made or found that the Master asked for; say in your"
                + " answer what you sent. Returns the message id.";
    }

    @Override
    public String inputSchema() {
        return """
                {"type":"object","properties":{
                  "path":{"type":"string","minLength":1,"maxLength":%d,"description":"the file, relative to the working directory, e.g. reports/disk.csv"},
                  "caption":{"type":"string","maxLength":%d,"description":"a short text sent with the file"}},
                 "required":["path"],"additionalProperties":false}""".formatted(MAX_PATH, MAX_CAPTION);
    }

    @Override
    public Set<ClaudeRequest.Mode> modes() {
        return EnumSet.of(ClaudeRequest.Mode.QUESTION, ClaudeRequest.Mode.COMMAND);
    }

    @Override
    public String call(RunGrant grant, ToolArgs args) {
        long thread = grant.requireThread(name());
        String asked = args.text("path");
        String caption = args.optionalText("caption").map(String::strip).filter(c -> !c.isEmpty()).orElse(null);
        if (caption != null && caption.length() > MAX_CAPTION) {
            throw new ToolException("the caption has " + caption.length() + " characters; at most " + MAX_CAPTION + " (Telegram's limit)");
        }
        Resolved file = resolve(grant.workdir(), asked);
        byte[] bytes = read(file);
        Kind kind = Kind.of(bytes, file.name());
        long id = outbox.sendFile(thread, new Outbox.FileToSend(kind.media(), file.name(), kind.mime(), bytes, caption, file.relative()));
        return "Sent " + file.relative() + " (" + size(bytes.length) + ", " + kind.mime() + ") to this chat as a "
                + kind.media() + " (message " + id + "). It is delivered like your answer; do not send it again.";
    }

    /** The file, checked: {@code real} its real path inside the working directory, {@code relative} as shown. */
    record Resolved(Path real, String relative, String name) {}

    static Resolved resolve(Path workdir, String asked) {
        String p = asked.strip();
        if (p.isEmpty()) {
            throw new ToolException("'path' is empty; give the file's path relative to the working directory");
        }
        if (p.indexOf('\0') >= 0) {
            throw new ToolException("'path' holds a NUL character");
        }
        Path rel;
        try {
            rel = Path.of(p);
        } catch (InvalidPathException e) {
            throw new ToolException("'path' is not a path: " + e.getReason());
        }
        if (rel.isAbsolute() || p.startsWith("~") || p.startsWith("\\")) {
            throw new ToolException("'" + p + "' is an absolute path; give it relative to the working directory"
                    + " (e.g. reports/disk.csv), where the file must be");
        }
        for (Path part : rel) {
            if (part.toString().equals("..")) {
                throw new ToolException("'" + p + "' goes up with '..'; only files inside the working directory can be sent");
            }
        }
        Path root;
        try {
            root = workdir.toRealPath();
        } catch (IOException e) {
            throw new ToolException("the working directory cannot be read (" + e.getClass().getSimpleName() + "); nothing was sent");
        }
        Path target = root.resolve(rel).normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new ToolException("there is no file '" + p + "' in the working directory");
        }
        Path real;
        try {
            real = target.toRealPath(); // follows every symlink on the way
        } catch (NoSuchFileException e) {
            throw new ToolException("'" + p + "' is a symlink to nothing");
        } catch (IOException e) {
            throw new ToolException("'" + p + "' cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (!real.startsWith(root)) {
            throw new ToolException("'" + p + "' leads outside the working directory (through a symlink); only files inside it"
                    + " can be sent");
        }
        if (Files.isDirectory(real)) {
            throw new ToolException("'" + p + "' is a directory; send one file (pack the directory into an archive first)");
        }
        if (!Files.isRegularFile(real)) {
            throw new ToolException("'" + p + "' is not a regular file (a device, socket or pipe)");
        }
        String relative = root.relativize(real).toString();
        return new Resolved(real, relative, real.getFileName().toString());
    }

    /** Reads the checked file without following a link put there since, bounded by the limit. */
    static byte[] read(Resolved file) {
        long size;
        try {
            size = Files.size(file.real());
        } catch (IOException e) {
            throw new ToolException("'" + file.relative() + "' cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (size > MAX_FILE_BYTES) {
            throw overLimit(file, size);
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file.real(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new ToolException("'" + file.relative() + "' cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw overLimit(file, bytes.length); // it grew while being read
        }
        if (bytes.length == 0) {
            throw new ToolException("'" + file.relative() + "' is empty; Telegram takes no empty file, nothing was sent");
        }
        return bytes;
    }

    private static ToolException overLimit(Resolved file, long size) {
        return new ToolException("'" + file.relative() + "' is " + size(size) + ", over Telegram's limit of " + MAX_FILE_MB
                + " MB for a file a bot sends; nothing was sent. Tell the Master, or send a smaller file (compress or split it).");
    }

    static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1024 * 1024 ? (bytes + 512) / 1024 + " KB"
                : String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    /** How the file goes: a photo (a picture Telegram shows, by its bytes, within the photo limit) or a document, and its type. */
    record Kind(String media, String mime) {
        static Kind of(byte[] b, String name) {
            String picture = picture(b);
            if (picture != null) {
                return new Kind(b.length <= MAX_PHOTO_BYTES ? "photo" : "document", picture);
            }
            String guessed = URLConnection.guessContentTypeFromName(name.toLowerCase(Locale.ROOT));
            return new Kind("document", guessed == null ? "application/octet-stream" : guessed);
        }

        /** JPEG, PNG or WebP by their signatures (what Telegram takes as a photo); else null. */
        static String picture(byte[] b) {
            if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
                return "image/jpeg";
            }
            if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                    && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A) {
                return "image/png";
            }
            if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                    && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
                return "image/webp";
            }
            return null;
        }
    }
}
