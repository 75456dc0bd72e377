package com.keyhold.kms.customkeystoreconnection.protocol;

import java.util.function.Supplier;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.cloudformation.injection.CloudWatchLogsProvider;
import software.amazon.cloudformation.injection.CloudWatchProvider;
import software.amazon.cloudformation.injection.SessionCredentialsProvider;
import software.amazon.cloudformation.loggers.CloudWatchLogHelper;
import software.amazon.cloudformation.loggers.CloudWatchLogPublisher;
import software.amazon.cloudformation.metrics.MetricsPublisherImpl;
import software.amazon.cloudformation.proxy.Credentials;
import software.amazon.cloudformation.proxy.LoggerProxy;
import software.amazon.cloudformation.proxy.MetricsPublisherProxy;

/**
 * The type owner's CloudWatch metrics and log group, which CloudFormation asks for (with {@code providerCredentials}
 * and {@code providerLogGroupName}) when the type is registered with a logging configuration. The plugin's publishers
 * do the work, on Keyhold's HTTP client; they are set up by the first invocation that asks and reused while the
 * execution environment stays warm, so the log stream is created once, as the plugin's own wrapper does.
 */
final class ProviderTelemetry {
    private final Supplier<SdkHttpClient> http;
    private final SessionCredentialsProvider credentials = new SessionCredentialsProvider();
    private MetricsPublisherImpl metrics;
    private CloudWatchLogPublisher logs;

    ProviderTelemetry(final Supplier<SdkHttpClient> http) {
        this.http = http;
    }

    /** Adds the owner's metrics and log publishers to this invocation's proxies, with this invocation's credentials. */
    void attach(final Credentials providerCredentials, final String resourceType, final String logGroupName,
                final LoggerProxy logger, final MetricsPublisherProxy metricsProxy, final LoggerProxy platformLogger) {
        credentials.setCredentials(providerCredentials);
        if (metrics == null) {
            metrics = new MetricsPublisherImpl(new CloudWatchProvider(credentials, http.get()), logger, resourceType);
        }
        metrics.refreshClient();
        metricsProxy.addMetricsPublisher(metrics);
        if (logs == null) {
            final CloudWatchLogsProvider logsProvider = new CloudWatchLogsProvider(credentials, http.get());
            final CloudWatchLogHelper helper = new CloudWatchLogHelper(logsProvider, logGroupName, platformLogger,
                metricsProxy);
            helper.refreshClient();
            logs = new CloudWatchLogPublisher(logsProvider, logGroupName, helper.prepareLogStream(), platformLogger,
                metricsProxy);
        }
        logs.refreshClient();
        logger.addLogPublisher(logs);
    }
}
