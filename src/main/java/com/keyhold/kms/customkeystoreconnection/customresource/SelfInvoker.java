package com.keyhold.kms.customkeystoreconnection.customresource;

/** Starts the next invocation of a transition: an asynchronous (InvocationType Event) invoke of this function. */
@FunctionalInterface
public interface SelfInvoker {
    /**
     * @param functionArn the ARN this invocation was invoked with (alias included), from the Lambda context
     * @param payload     the continuation document, UTF-8 JSON
     * @throws RuntimeException when Lambda does not accept the invocation
     */
    void invokeAsync(String functionArn, byte[] payload);
}
