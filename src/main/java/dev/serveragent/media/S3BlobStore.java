package dev.serveragent.media;

import dev.serveragent.config.MinioConfig;
import dev.serveragent.runtime.Loop;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Blobs in an S3-compatible bucket (MinIO): path-style addressing, URIs {@code s3://bucket/key}.
 * Checksums only where S3 requires them, as MinIO and most gateways expect. At start the bucket is
 * checked and created when missing (if the credentials may; else the error is logged and
 * {@code /readyz} says why). A put the store does not take (down, bucket missing) is kept in a
 * local {@link BlobSpool} and uploaded later by a background thread: {@link #put} returns the
 * object's final URI at once, so the artifact (transcript, description) is made from the bytes
 * in hand and nothing waits for the store. {@link #get} reads a waiting blob from the spool.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    static final Duration RETRY = Duration.ofSeconds(30);
    private static final Duration UNTIL_WOKEN = Duration.ofDays(365);
    private final S3Client s3;
    private final String bucket;
    private final BlobSpool spool;
    private final Duration retry;
    /** Uploads what waits in the spool: every {@code retry} while the store is down, else when a put is spooled. */
    private final Loop uploader;
    /** Blobs may be waiting in the spool (true at start: an earlier run may have left some). */
    private volatile boolean waiting = true;

    public S3BlobStore(MinioConfig.Store config, Path spoolRoot) {
        this(config, spoolRoot, RETRY);
    }

    S3BlobStore(MinioConfig.Store config, Path spoolRoot, Duration retry) {
        this.bucket = config.bucket();
        this.s3 = client(config);
        this.spool = new BlobSpool(spoolRoot.resolve(bucket));
        this.retry = retry;
        S3Bucket.Status status = S3Bucket.ensure(s3, bucket);
        switch (status.state()) {
            case READY -> log.info("Media in S3 at {}: {}", config.endpoint(), status.detail());
            case MISCONFIGURED -> log.error("Media store: {}. Media are kept in {} until it is fixed", status.detail(), spoolRoot);
            case UNREACHABLE -> log.warn("Media store: {}. Media are kept in {} until it is back", status.detail(), spoolRoot);
        }
        this.uploader = Loop.named("s3-spool-uploader", () -> uploadWaiting() > 0
                        ? Loop.Next.idle(retry) // the store is still down
                        : Loop.Next.idle(UNTIL_WOKEN)) // nothing waits: until a put is spooled
                .onError(retry, retry).describedAs("Uploading waiting blobs").build();
        uploader.start();
    }

    static S3Client client(MinioConfig.Store config) {
        return S3Client.builder()
                .endpointOverride(config.endpoint())
                .region(Region.US_EAST_1) // MinIO's default; S3 itself redirects by bucket
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(config.accessKey().reveal(), config.secretKey().reveal())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    @Override
    public URI put(String key, byte[] bytes, String contentType) {
        try {
            upload(key, bytes, contentType);
            if (waiting) {
                uploader.wake(); // the store is back: bring the waiting blobs now, not at the next retry
            }
        } catch (SdkException e) {
            spool.put(key, bytes, contentType);
            waiting = true;
            log.warn("Blob {} kept locally until bucket {} takes it: {}", key, bucket, e.getMessage());
            uploader.wake();
        }
        return URI.create("s3://" + bucket + "/" + key);
    }

    private void upload(String key, byte[] bytes, String contentType) {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(), RequestBody.fromBytes(bytes));
    }

    @Override
    public byte[] get(URI uri) {
        String key = key(uri);
        return spool.get(key).orElseGet(() -> s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray());
    }

    @Override
    public void delete(URI uri) {
        String key = key(uri);
        spool.remove(key);
        s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(key).build()); // S3 answers 204 for a missing key too
    }

    private String key(URI uri) {
        if (!"s3".equals(uri.getScheme()) || !bucket.equals(uri.getHost())) {
            throw new IllegalArgumentException("not a blob of this store: " + uri);
        }
        return uri.getPath().substring(1);
    }

    /** Uploads what waits in the spool, oldest first, until done or the store refuses; how many still wait. */
    public int uploadWaiting() {
        for (String key : spool.keys()) {
            BlobSpool.Pending p = spool.read(key);
            try {
                upload(p.key(), p.bytes(), p.contentType());
            } catch (SdkException e) {
                log.debug("Bucket {} still does not take blobs: {}", bucket, e.getMessage());
                break;
            }
            spool.remove(key);
            log.info("Blob {} uploaded to bucket {} after waiting locally", key, bucket);
        }
        int left = spool.keys().size();
        waiting = left > 0;
        return left;
    }

    @Override
    public void close() {
        uploader.stop(); // an upload under way finishes (or fails) first; only one stuck past that is interrupted
        s3.close();
    }
}
