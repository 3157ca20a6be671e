package dev.serveragent.media;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Whether the media bucket is there, creating it when it is missing and the credentials may.
 * Asked at start (so a missing bucket is found then, not at the first upload) and by readiness.
 */
final class S3Bucket {
    enum State {
        READY,
        /** Missing and not creatable, or access denied: the operator must act. */
        MISCONFIGURED,
        /** Not reachable now: blobs wait locally until it is back. */
        UNREACHABLE
    }

    record Status(State state, String detail) {}

    private S3Bucket() {}

    static Status ensure(S3Client s3, String bucket) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return new Status(State.READY, "bucket " + bucket + " is there");
        } catch (NoSuchBucketException e) {
            return create(s3, bucket);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return create(s3, bucket);
            }
            if (e.statusCode() == 403 || e.statusCode() == 400 || e.statusCode() == 401) {
                return new Status(State.MISCONFIGURED, "access to bucket " + bucket + " refused (HTTP " + e.statusCode()
                        + "): check MINIO_ACCESS_KEY, MINIO_SECRET_KEY and MINIO_BUCKET");
            }
            return new Status(State.UNREACHABLE, "S3 answered HTTP " + e.statusCode() + " for bucket " + bucket);
        } catch (SdkClientException e) {
            return new Status(State.UNREACHABLE, "S3 at MINIO_ENDPOINT is unreachable: " + e.getMessage());
        }
    }

    private static Status create(S3Client s3, String bucket) {
        try {
            s3.createBucket(b -> b.bucket(bucket));
            return new Status(State.READY, "bucket " + bucket + " created");
        } catch (S3Exception e) {
            return new Status(State.MISCONFIGURED, "bucket " + bucket + " (MINIO_BUCKET) does not exist and could not be created: HTTP "
                    + e.statusCode() + " " + e.awsErrorDetails().errorCode() + "; create it or allow these credentials to");
        } catch (SdkClientException e) {
            return new Status(State.UNREACHABLE, "S3 at MINIO_ENDPOINT is unreachable: " + e.getMessage());
        }
    }
}
