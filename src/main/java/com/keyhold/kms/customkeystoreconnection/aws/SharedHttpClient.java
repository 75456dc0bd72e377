package com.keyhold.kms.customkeystoreconnection.aws;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/**
 * The one HTTP client of a handler process, built on first use. The SDK's URLConnection client rides on the JDK's own
 * HTTP stack, so a cold start loads far fewer classes than with the Apache client (guides/PERFORMANCE.md).
 */
public final class SharedHttpClient {
    private static final class Holder {
        static final SdkHttpClient INSTANCE = UrlConnectionHttpClient.builder().build();
    }

    private SharedHttpClient() {
    }

    public static SdkHttpClient get() {
        return Holder.INSTANCE;
    }
}
