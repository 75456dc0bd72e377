package com.keyhold.kms.customkeystoreconnection.customresource;

import java.util.function.Consumer;

/** Delivers the answer to the pre-signed ResponseURL. */
@FunctionalInterface
public interface ResponseSender {
    /**
     * PUTs {@code body}; retries transient failures itself.
     *
     * @return whether S3 accepted it
     */
    boolean send(String responseUrl, String body, Consumer<String> log);
}
