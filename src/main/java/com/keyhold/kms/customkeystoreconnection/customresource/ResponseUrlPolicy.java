package com.keyhold.kms.customkeystoreconnection.customresource;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which ResponseURLs Keyhold answers. CloudFormation's pre-signed URLs are https URLs of S3 (virtual-hosted or
 * path style, global, Regional, legacy dash-Regional or dual-stack endpoints, and the China partition). Anything else
 * is refused: an event that points elsewhere did not come from CloudFormation, and answering it would send the stack
 * and request ids to a stranger.
 */
public final class ResponseUrlPolicy {
    /** [bucket.]s3[.region | -region | .dualstack.region].amazonaws.com[.cn] */
    static final Pattern S3_HOST = Pattern.compile(
        "^(?:[a-z0-9][a-z0-9.-]*\\.)?s3(?:[.-](?:dualstack\\.)?[a-z0-9-]+)?\\.amazonaws\\.com(?:\\.cn)?$");

    private static final ResponseUrlPolicy S3_ONLY = new ResponseUrlPolicy(false);
    private static final ResponseUrlPolicy LOOPBACK_FOR_TESTS = new ResponseUrlPolicy(true);

    private final boolean allowLoopbackHttp;

    private ResponseUrlPolicy(final boolean allowLoopbackHttp) {
        this.allowLoopbackHttp = allowLoopbackHttp;
    }

    /** Production: https on an S3 host only. */
    public static ResponseUrlPolicy s3Only() {
        return S3_ONLY;
    }

    /** Tests only: also http://127.0.0.1:port, where a local server stands in for S3. */
    public static ResponseUrlPolicy allowingLoopbackForTests() {
        return LOOPBACK_FOR_TESTS;
    }

    /** Why {@code url} is refused, or empty when Keyhold may answer it. */
    public Optional<String> rejection(final String url) {
        if (url == null || url.isEmpty()) {
            return Optional.of("the event has no ResponseURL");
        }
        final URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            return Optional.of("the ResponseURL is not a valid URL");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        final String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (allowLoopbackHttp && "http".equals(scheme) && "127.0.0.1".equals(host) && uri.getUserInfo() == null) {
            return Optional.empty();
        }
        if (!"https".equals(scheme)) {
            return Optional.of("the ResponseURL's scheme is '" + scheme + "', only https is accepted");
        }
        if (uri.getUserInfo() != null || !S3_HOST.matcher(host).matches()) {
            return Optional.of("the ResponseURL's host '" + host + "' is not an Amazon S3 endpoint");
        }
        if (uri.getPort() != -1 && uri.getPort() != 443) {
            return Optional.of("the ResponseURL's port " + uri.getPort() + " is not https's 443");
        }
        return Optional.empty();
    }

    /** The URL without its query (the pre-signature): safe to log. */
    public static String redacted(final String url) {
        if (url == null) {
            return "(none)";
        }
        final int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query) + "?(signature redacted)";
    }
}
