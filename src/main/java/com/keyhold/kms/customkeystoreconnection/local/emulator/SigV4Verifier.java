package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the SigV4 {@code Authorization} header as AWS does. Without a configured key pair it checks only that a
 * well-formed header is there (clients must sign, but any credentials do); with one it recomputes the signature
 * from the canonical request and answers the errors KMS answers: an unknown access key is
 * {@code UnrecognizedClientException}, a wrong signature {@code InvalidSignatureException}.
 */
final class SigV4Verifier {
    private static final String ALGORITHM = "AWS4-HMAC-SHA256";

    /** What a verified request told us: who signed it and for which Region. */
    record Signer(String accessKeyId, String region) {
    }

    private final String accessKeyId;
    private final String secretKey;

    SigV4Verifier(String accessKeyId, String secretKey) {
        if ((accessKeyId == null) != (secretKey == null)) {
            throw new IllegalArgumentException("give both an access key and a secret key, or neither");
        }
        this.accessKeyId = accessKeyId;
        this.secretKey = secretKey;
    }

    boolean verifiesSignatures() {
        return secretKey != null;
    }

    /**
     * @param headers         request header values by (case-insensitive) name
     * @param expectedService {@code kms} or {@code ssm}, or null when the target named no known service
     */
    Signer verify(String method, URI uri, Function<String, List<String>> headers, byte[] body,
            String expectedService) {
        List<String> auth = headers.apply("Authorization");
        if (auth == null || auth.isEmpty() || auth.get(0).isBlank()) {
            throw ApiException.client("MissingAuthenticationTokenException", "Missing Authentication Token");
        }
        String header = auth.get(0).trim();
        if (!header.startsWith(ALGORITHM + " ")) {
            throw ApiException.client("IncompleteSignatureException", "Authorization header must start with '"
                    + ALGORITHM + " ' (SigV4); got '" + header.split(" ", 2)[0] + "'.");
        }
        Map<String, String> parts = new HashMap<>();
        for (String part : header.substring(ALGORITHM.length()).split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2) {
                parts.put(kv[0], kv[1]);
            }
        }
        for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
            if (!parts.containsKey(required)) {
                throw ApiException.client("IncompleteSignatureException", "Authorization header requires '"
                        + required + "' parameter. Authorization=" + redact(header));
            }
        }
        String[] scope = parts.get("Credential").split("/");
        if (scope.length != 5 || !scope[4].equals("aws4_request")) {
            throw ApiException.client("IncompleteSignatureException", "Credential must have the form "
                    + "<access key>/<yyyyMMdd>/<region>/<service>/aws4_request.");
        }
        if (expectedService != null && !scope[3].equals(expectedService)) {
            throw ApiException.client("InvalidSignatureException", "Credential should be scoped to correct "
                    + "service: '" + expectedService + "'.");
        }
        Signer signer = new Signer(scope[0], scope[2]);
        if (secretKey == null) {
            return signer;
        }
        if (!scope[0].equals(accessKeyId)) {
            throw ApiException.client("UnrecognizedClientException",
                    "The security token included in the request is invalid.");
        }
        String amzDate = first(headers, "X-Amz-Date");
        if (amzDate == null) {
            throw ApiException.client("IncompleteSignatureException",
                    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
        }
        String signedHeaders = parts.get("SignedHeaders");
        // The hash of the body received, never the x-amz-content-sha256 header's claim (KMS and SSM hash the body
        // themselves): a body changed after signing must break the signature even when the header was kept.
        String payloadHash = hex(sha256(body));
        StringBuilder canonical = new StringBuilder()
                .append(method).append('\n')
                .append(canonicalPath(uri.getRawPath())).append('\n')
                .append(canonicalQuery(uri.getRawQuery())).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = headers.apply(name);
            List<String> trimmed = new ArrayList<>();
            if (values != null) {
                values.forEach(val -> trimmed.add(val.trim().replaceAll("\\s+", " ")));
            }
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        String credentialScope = String.join("/", scope[1], scope[2], scope[3], scope[4]);
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + credentialScope + "\n"
                + hex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), scope[1]);
        key = hmac(key, scope[2]);
        key = hmac(key, scope[3]);
        key = hmac(key, "aws4_request");
        byte[] expected = hex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts.get("Signature").getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, given)) {
            throw ApiException.client("InvalidSignatureException", "The request signature we calculated does not "
                    + "match the signature you provided. Check your AWS Secret Access Key and signing method. "
                    + "Consult the service documentation for details.");
        }
        return signer;
    }

    /** Services other than S3 sign the path URI-encoded once more than it went on the wire. */
    private static String canonicalPath(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        return String.join("/", Arrays.stream(rawPath.split("/", -1)).map(SigV4Verifier::encode).toList());
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            String[] kv = pair.split("=", 2);
            pairs.add(encode(decode(kv[0])) + "=" + (kv.length == 2 ? encode(decode(kv[1])) : ""));
        }
        pairs.sort(null);
        return String.join("&", pairs);
    }

    /** RFC 3986 encoding as SigV4 wants it: only unreserved characters stay. */
    private static String encode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte c : s.getBytes(StandardCharsets.UTF_8)) {
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_' || c == '.' || c == '~') {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c & 0xff));
            }
        }
        return b.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String first(Function<String, List<String>> headers, String name) {
        List<String> v = headers.apply(name);
        return v == null || v.isEmpty() ? null : v.get(0).trim();
    }

    /** Keeps the signature out of error messages. */
    private static String redact(String header) {
        return header.replaceAll("Signature=[0-9a-fA-F]+", "Signature=***");
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
