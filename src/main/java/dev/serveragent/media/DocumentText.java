package dev.serveragent.media;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * The text of a document, where a library gives it: text files (UTF-8) and PDFs (PDFBox). At most
 * {@link #MAX_CHARS} characters are kept ({@code text_truncated} says when more were cut). A
 * document whose text cannot be read (an encrypted or damaged PDF) keeps its metadata and gets
 * {@code text_error} instead: trying again would not help, so it is not a failure of the artifact.
 */
final class DocumentText {
    /** Characters of text kept per document; the classifier sees it with the last 30 messages. */
    static final int MAX_CHARS = 64 * 1024;
    /** PDF pages read at most, so one large file cannot hold the worker for long. */
    static final int MAX_PDF_PAGES = 200;

    private DocumentText() {}

    /** Adds {@code text} (and {@code text_truncated}, {@code pages} or {@code text_error}) to the artifact content. */
    static void addTo(ObjectNode content, String mime, String fileName, byte[] bytes) {
        if (mime.startsWith("text/")) {
            put(content, new String(bytes, StandardCharsets.UTF_8));
        } else if (mime.equals("application/pdf") || fileName.toLowerCase(Locale.ROOT).endsWith(".pdf")) {
            pdf(content, bytes);
        }
    }

    private static void pdf(ObjectNode content, byte[] bytes) {
        try (PDDocument doc = Loader.loadPDF(bytes)) {
            int pages = doc.getNumberOfPages();
            content.put("pages", pages);
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setEndPage(MAX_PDF_PAGES);
            put(content, stripper.getText(doc).strip());
            if (pages > MAX_PDF_PAGES) {
                content.put("text_truncated", true);
            }
        } catch (IOException | RuntimeException | StackOverflowError e) {
            content.put("text_error", "no text could be read from this PDF: " + e.getMessage());
        }
    }

    private static void put(ObjectNode content, String text) {
        if (text.length() > MAX_CHARS) {
            content.put("text", text.substring(0, MAX_CHARS));
            content.put("text_truncated", true);
        } else {
            content.put("text", text);
        }
    }
}
