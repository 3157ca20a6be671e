package dev.serveragent.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Blobs waiting for the object store, as files under {@code DATA_DIR/blobs-pending/<bucket>}
 * (written atomically by {@link FilesystemBlobStore}), each with its content type beside it.
 * They survive a restart; the store uploads and deletes them once it is reachable again.
 */
final class BlobSpool {
    private static final String TYPE_SUFFIX = ".content-type";
    private final Path root;
    private final FilesystemBlobStore files;

    BlobSpool(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.files = new FilesystemBlobStore(this.root);
    }

    record Pending(String key, byte[] bytes, String contentType) {}

    void put(String key, byte[] bytes, String contentType) {
        files.put(key + TYPE_SUFFIX, contentType.getBytes(StandardCharsets.UTF_8), "text/plain");
        files.put(key, bytes, contentType);
    }

    Optional<byte[]> get(String key) {
        Path p = root.resolve(key).normalize();
        return p.startsWith(root) && Files.isRegularFile(p) ? Optional.of(files.get(p.toUri())) : Optional.empty();
    }

    /** Keys waiting, oldest first. */
    List<String> keys() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !p.toString().endsWith(TYPE_SUFFIX) && !p.toString().endsWith(".tmp"))
                    .sorted(java.util.Comparator.comparing(p -> p.toFile().lastModified()))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    Pending read(String key) {
        Path type = root.resolve(key + TYPE_SUFFIX);
        String contentType = Files.exists(type) ? new String(files.get(type.toUri()), StandardCharsets.UTF_8) : "application/octet-stream";
        return new Pending(key, files.get(root.resolve(key).toUri()), contentType);
    }

    void remove(String key) {
        try {
            Files.deleteIfExists(root.resolve(key));
            Files.deleteIfExists(root.resolve(key + TYPE_SUFFIX));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + key + " from " + root, e);
        }
    }
}
