package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * PUTs the answer through the function's one {@link SdkHttpClient} (the one its SDK clients use, so a cold start loads
 * a single HTTP stack), as CloudFormation's own cfn-response does: an empty Content-Type (the pre-signed URL was
 * signed without one) and a Content-Length. 5xx answers and connection errors are retried with exponential backoff;
 * 4xx (an expired or tampered URL) is not, since a retry cannot succeed.
 *
 * <p>The client's own timeouts are per connect and per read; {@code timeout} bounds each whole attempt on top of them.
 */
public final class HttpResponseSender implements ResponseSender {
    private final SdkHttpClient http;
    private final Sleeper sleeper;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration timeout;

    /** @param http not closed here: it is shared with the function's SDK clients */
    public HttpResponseSender(final SdkHttpClient http, final Sleeper sleeper, final int maxAttempts,
                              final Duration firstBackoff, final Duration timeout) {
        this.http = http;
        this.sleeper = sleeper;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.timeout = timeout;
    }

    /** Five attempts over about 15 s, each within 20 s, on the process's shared HTTP client. */
    public static HttpResponseSender defaults(final Sleeper sleeper) {
        return new HttpResponseSender(SharedHttpClient.get(), sleeper, 5, Duration.ofSeconds(1),
            Duration.ofSeconds(20));
    }

    @Override
    public boolean send(final String responseUrl, final String body, final Consumer<String> log) {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final SdkHttpRequest request = request(URI.create(responseUrl), bytes.length);
        final String where = ResponseUrlPolicy.redacted(responseUrl);
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                final int status = put(request, bytes);
                if (status >= 200 && status < 300) {
                    log.accept("Response delivered to " + where + " (HTTP " + status + ", attempt " + attempt + ")");
                    return true;
                }
                problem = "HTTP " + status;
                if (status < 500) {
                    log.accept("ERROR: the ResponseURL " + where + " refused the response with " + problem
                        + "; not retrying (the pre-signed URL is expired or invalid). CloudFormation will time the "
                        + "resource out.");
                    return false;
                }
            } catch (IOException e) {
                problem = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.accept("ERROR: interrupted while sending the response to " + where);
                return false;
            }
            if (attempt >= maxAttempts) {
                log.accept("ERROR: could not deliver the response to " + where + " after " + attempt + " attempts ("
                    + problem + "). CloudFormation will time the resource out.");
                return false;
            }
            log.accept("Response to " + where + " failed (" + problem + "), attempt " + attempt + " of " + maxAttempts
                + "; retrying in " + backoff.toMillis() + " ms");
            try {
                sleeper.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.accept("ERROR: interrupted while sending the response to " + where);
                return false;
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    /**
     * The PUT. The raw path and query go in as the "encoded path" with no query parameters: given them as parameters,
     * the SDK would decode, re-encode and reorder the query, which carries the signature; this way the URL goes out
     * byte for byte as CloudFormation wrote it. The Content-Type is sent, empty, rather than left out, so that no
     * client default can take its place; Content-Length makes the URLConnection client stream the body at that fixed
     * length (not chunked, and never silently re-sent by HttpURLConnection behind this class's retry count).
     */
    private static SdkHttpRequest request(final URI url, final int length) {
        final String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        final String target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        return SdkHttpRequest.builder().uri(url).clearQueryParameters().encodedPath(target)
            .method(SdkHttpMethod.PUT)
            .putHeader("Content-Type", "")
            .putHeader("Content-Length", Integer.toString(length))
            .build();
    }

    /**
     * One attempt: its status, once the answer's body has been read. HttpURLConnection's blocking I/O ignores
     * interrupts and has no whole-request deadline, so the exchange runs on a daemon thread while this one waits for
     * at most {@code timeout}; on a timeout or an interrupt the request is aborted, which closes its connection and
     * ends that thread.
     */
    private int put(final SdkHttpRequest request, final byte[] body) throws IOException, InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        final ExecutableHttpRequest call;
        try {
            call = http.prepareRequest(HttpExecuteRequest.builder().request(request)
                .contentStreamProvider(ContentStreamProvider.fromByteArrayUnsafe(body)).build());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        final FutureTask<Integer> exchange = new FutureTask<>(() -> {
            final HttpExecuteResponse response = call.call();
            if (response.responseBody().isPresent()) {
                // Read to the end so that the connection can be kept alive (S3's answers are empty or a small XML).
                try (InputStream in = response.responseBody().get()) {
                    in.readAllBytes();
                }
            }
            return response.httpResponse().statusCode();
        });
        final Thread worker = new Thread(exchange, "keyhold-response-put");
        worker.setDaemon(true);
        worker.start();
        try {
            return exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.abort();
            throw new SocketTimeoutException("request timed out");
        } catch (InterruptedException e) {
            call.abort();
            throw e;
        } catch (ExecutionException e) {
            throw unwrapped(e.getCause());
        }
    }

    /** The exchange's failure as this method's: the SDK wraps some I/O errors in UncheckedIOException. */
    private static IOException unwrapped(final Throwable failure) {
        if (failure instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        if (failure instanceof IOException io) {
            return io;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IOException(failure);
    }
}
