package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import java.net.URI;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/**
 * Reads dynamic reference values from the runner's target with the SDK: SSM GetParameter and Secrets Manager
 * GetSecretValue (the calls CloudFormation makes). Errors name what is missing, never a value.
 */
final class ReferenceSource implements DynamicReferences.Source {
    private final Supplier<SsmClient> ssm;
    private final Supplier<SecretsManagerClient> secretsManager;
    private final String where;

    /** @param where the target, for messages ("the in-process emulator", "real AWS in eu-west-1", ...) */
    ReferenceSource(final Supplier<SsmClient> ssm, final Supplier<SecretsManagerClient> secretsManager,
                    final String where) {
        this.ssm = ssm;
        this.secretsManager = secretsManager;
        this.where = where;
    }

    /**
     * Clients built on first use, signed with the runner's credentials.
     *
     * @param ssmEndpoint     null for the SDK's own endpoint (AWS)
     * @param secretsEndpoint likewise
     */
    static ReferenceSource of(final URI ssmEndpoint, final URI secretsEndpoint, final String region,
                              final Supplier<AwsCredentials> credentials, final String where) {
        final AwsCredentialsProvider provider = credentials::get;
        return new ReferenceSource(lazy(() -> {
            final var b = SsmClient.builder().region(Region.of(region)).httpClient(SharedHttpClient.get())
                .credentialsProvider(provider);
            return (ssmEndpoint == null ? b : b.endpointOverride(ssmEndpoint)).build();
        }), lazy(() -> {
            final var b = SecretsManagerClient.builder().region(Region.of(region)).httpClient(SharedHttpClient.get())
                .credentialsProvider(provider);
            return (secretsEndpoint == null ? b : b.endpointOverride(secretsEndpoint)).build();
        }), where);
    }

    private static <T> Supplier<T> lazy(final Supplier<T> make) {
        return new Supplier<>() {
            private T made;

            @Override
            public synchronized T get() {
                if (made == null) {
                    made = make.get();
                }
                return made;
            }
        };
    }

    @Override
    public DynamicReferences.Parameter parameter(final String selector, final boolean withDecryption) {
        try {
            final GetParameterResponse r = ssm.get().getParameter(b -> b.name(selector).withDecryption(withDecryption));
            return new DynamicReferences.Parameter(r.parameter().typeAsString(), r.parameter().value());
        } catch (ParameterNotFoundException e) {
            throw new UsageException("Parameter " + name(selector) + " is not in SSM Parameter Store of " + where
                + ". Create it first (aws ssm put-parameter --name " + name(selector) + " ...)");
        } catch (ParameterVersionNotFoundException e) {
            throw new UsageException("Parameter " + name(selector) + " has no version " + version(selector) + " in "
                + where + " (" + e.awsErrorDetails().errorMessage() + ")");
        } catch (SsmException e) {
            throw new UsageException("Parameter " + name(selector) + " cannot be read from " + where + ": "
                + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
        } catch (SdkException e) {
            throw new UsageException("Parameter " + name(selector) + " cannot be read from " + where + ": "
                + e.getMessage());
        }
    }

    @Override
    public String secret(final String secretId, final String versionStage, final String versionId) {
        try {
            final GetSecretValueResponse r = secretsManager.get().getSecretValue(b -> b.secretId(secretId)
                .versionStage(versionStage).versionId(versionId));
            if (r.secretString() == null) {
                throw new UsageException("secret " + secretId + " holds a binary value (SecretBinary); a dynamic "
                    + "reference reads SecretString");
            }
            return r.secretString();
        } catch (ResourceNotFoundException e) {
            throw new UsageException("secret " + secretId + (versionStage != null ? " (staging label " + versionStage
                + ")" : versionId != null ? " (version " + versionId + ")" : "") + " is not in Secrets Manager of "
                + where + ": " + e.awsErrorDetails().errorMessage() + (versionStage == null && versionId == null
                ? " Create it first (keyhold put-secret, or aws secretsmanager create-secret)" : ""));
        } catch (SecretsManagerException e) {
            throw new UsageException("secret " + secretId + " cannot be read from " + where + ": "
                + e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage());
        } catch (SdkException e) {
            throw new UsageException("secret " + secretId + " cannot be read from " + where + ": " + e.getMessage());
        }
    }

    private static String name(final String selector) {
        final int colon = selector.lastIndexOf(':');
        return colon < 0 ? selector : selector.substring(0, colon);
    }

    private static String version(final String selector) {
        return selector.substring(selector.lastIndexOf(':') + 1);
    }
}
