package com.keyhold.kms.customkeystoreconnection.customresource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * PUTs the answer with the JDK's HTTP client, as CloudFormation's own cfn-response does: an empty Content-Type (the
 * pre-signed URL was signed without one). 5xx answers and connection errors are retried with exponential backoff;
 * 4xx (an expired or tampered URL) is not, since a retry cannot succeed.
 */
public final class HttpResponseSender implements ResponseSender {
    private final HttpClient http;
    private final Sleeper sleeper;
    private final int maxAttempts;
    private final Duration firstBackoff;
    private final Duration timeout;

    public HttpResponseSender(final HttpClient http, final Sleeper sleeper, final int maxAttempts,
                              final Duration firstBackoff, final Duration timeout) {
        this.http = http;
        this.sleeper = sleeper;
        this.maxAttempts = maxAttempts;
        this.firstBackoff = firstBackoff;
        this.timeout = timeout;
    }

    /** Five attempts over about 15 s, each with a 20 s timeout. */
    public static HttpResponseSender defaults(final Sleeper sleeper) {
        return new HttpResponseSender(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), sleeper,
            5, Duration.ofSeconds(1), Duration.ofSeconds(20));
    }

    @Override
    public boolean send(final String responseUrl, final String body, final Consumer<String> log) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(responseUrl)).timeout(timeout)
            .header("Content-Type", "")
            .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        final String where = ResponseUrlPolicy.redacted(responseUrl);
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            String problem;
            try {
                final HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                final int status = response.statusCode();
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
}
