package dev.serveragent.media;

import dev.serveragent.config.MinioConfig;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Blobs in an S3-compatible bucket (MinIO): path-style addressing, URIs {@code s3://bucket/key}.
 * Checksums only where S3 requires them, as MinIO and most gateways expect. The bucket must exist.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private final S3Client s3;
    private final String bucket;

    public S3BlobStore(MinioConfig.Store config) {
        this.bucket = config.bucket();
        this.s3 = S3Client.builder()
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
            s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build(), RequestBody.fromBytes(bytes));
        } catch (RuntimeException e) {
            throw new MediaException("cannot store blob " + key + " in bucket " + bucket + ": " + e.getMessage());
        }
        return URI.create("s3://" + bucket + "/" + key);
    }

    @Override
    public byte[] get(URI uri) {
        if (!"s3".equals(uri.getScheme()) || !bucket.equals(uri.getHost())) {
            throw new IllegalArgumentException("not a blob of this store: " + uri);
        }
        String key = uri.getPath().substring(1);
        return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build()).asByteArray();
    }

    @Override
    public void close() {
        s3.close();
    }
}
