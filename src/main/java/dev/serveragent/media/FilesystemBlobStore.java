package dev.serveragent.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/** Blobs as files under a root directory ({@code DATA_DIR/blobs}); URIs are {@code file:} URIs. Written via a temp file and an atomic move, so a reader never sees half a file. */
public final class FilesystemBlobStore implements BlobStore {
    private static final Pattern SAFE_KEY = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private final Path root;

    public FilesystemBlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public URI put(String key, byte[] bytes, String contentType) {
        if (!SAFE_KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("unsafe blob key: " + key);
        }
        Path target = root.resolve(key);
        Path tmp = null;
        try {
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), ".blob", ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp); // a partial file must not go on filling a full disk
            throw new UncheckedIOException("cannot store blob " + key + " under " + root, e);
        }
        return target.toUri();
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
        }
    }

    @Override
    public byte[] get(URI uri) {
        Path p = own(uri);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read blob " + uri, e);
        }
    }

    @Override
    public void delete(URI uri) {
        Path p = own(uri);
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete blob " + uri, e);
        }
    }

    private Path own(URI uri) {
        Path p = Path.of(uri).toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("not a blob of this store: " + uri);
        }
        return p;
    }
}
