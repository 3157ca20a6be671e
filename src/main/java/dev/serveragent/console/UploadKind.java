package dev.serveragent.console;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * What a browser upload is, judged by its bytes rather than by the name or type the browser
 * claimed: a photo the image describer takes (JPEG, PNG, GIF, WebP), a voice the transcriber takes
 * (Ogg, WebM, WAV, MP3, MP4/M4A, FLAC), or a document (PDF, UTF-8 text, anything else as a file).
 * Only these few signatures decide where a file goes, so they are checked here rather than with a
 * general detection library.
 */
record UploadKind(String media, String mime, String extension) {
    /** How many leading bytes are looked at to tell text from binary. */
    static final int TEXT_SNIFF_BYTES = 8192;

    static UploadKind sniff(byte[] b) {
        if (starts(b, 0, 0xFF, 0xD8, 0xFF)) {
            return new UploadKind("photo", "image/jpeg", ".jpg");
        } else if (starts(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return new UploadKind("photo", "image/png", ".png");
        } else if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
            return new UploadKind("photo", "image/gif", ".gif");
        } else if (ascii(b, 0, "RIFF") && ascii(b, 8, "WEBP")) {
            return new UploadKind("photo", "image/webp", ".webp");
        } else if (ascii(b, 0, "%PDF-")) {
            return new UploadKind("document", "application/pdf", ".pdf");
        } else if (ascii(b, 0, "OggS")) {
            return new UploadKind("voice", "audio/ogg", ".ogg");
        } else if (starts(b, 0, 0x1A, 0x45, 0xDF, 0xA3)) { // Matroska/WebM: what MediaRecorder records in Chromium
            return new UploadKind("voice", "audio/webm", ".webm");
        } else if (ascii(b, 0, "RIFF") && ascii(b, 8, "WAVE")) {
            return new UploadKind("voice", "audio/wav", ".wav");
        } else if (ascii(b, 0, "ID3") || (b.length > 1 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xE0) == 0xE0)) {
            return new UploadKind("voice", "audio/mpeg", ".mp3");
        } else if (ascii(b, 4, "ftyp")) { // MP4/M4A: voice memos of phones
            return new UploadKind("voice", "audio/mp4", ".m4a");
        } else if (ascii(b, 0, "fLaC")) {
            return new UploadKind("voice", "audio/flac", ".flac");
        } else if (isText(b)) {
            return new UploadKind("document", "text/plain", ".txt");
        }
        return new UploadKind("document", "application/octet-stream", "");
    }

    /**
     * Null when the type the browser claimed agrees with the bytes, else why not: an "image/…"
     * that is not a picture, an "audio/…" that is not sound, a PDF that is not one.
     */
    String disagreement(String claimed) {
        String c = claimed == null ? "" : claimed.toLowerCase(Locale.ROOT);
        if ((c.startsWith("image/") && !media.equals("photo")) || (c.startsWith("audio/") && !media.equals("voice"))
                || (c.equals("application/pdf") && !mime.equals("application/pdf"))) {
            return "the file is sent as " + claimed + " but its content is " + (mime.equals("application/octet-stream") ? "not a file type I know" : mime);
        }
        return null;
    }

    /** The name to show: no path, no control characters, at most 120 characters; "upload" + extension when nothing is left. */
    static String displayName(String submitted, String extension) {
        String name = submitted == null ? "" : Normalizer.normalize(submitted, Normalizer.Form.NFC);
        name = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
        name = name.replaceAll("[\\p{Cntrl}\\p{Cf}]", "").strip();
        if (name.length() > 120) {
            name = name.substring(0, 120);
        }
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "upload" + extension : name;
    }

    /** The name as part of a blob key: letters, digits, dot, dash and underscore, at most 60. */
    static String keyName(String displayName) {
        String k = displayName.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("\\.{2,}", "_");
        return k.length() > 60 ? k.substring(k.length() - 60) : k;
    }

    private static boolean starts(byte[] b, int at, int... expected) {
        if (b.length < at + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[at + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] b, int at, String s) {
        return starts(b, at, s.chars().toArray());
    }

    /** UTF-8 without NUL in its first bytes (a character cut at the sniffing limit is allowed). */
    private static boolean isText(byte[] b) {
        byte[] head = Arrays.copyOf(b, Math.min(b.length, TEXT_SNIFF_BYTES));
        for (byte x : head) {
            if (x == 0) {
                return false;
            }
        }
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(head), CharBuffer.allocate(head.length), b.length <= TEXT_SNIFF_BYTES);
        return !r.isError();
    }
}
