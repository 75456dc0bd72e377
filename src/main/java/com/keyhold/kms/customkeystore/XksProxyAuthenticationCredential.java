package com.keyhold.kms.customkeystore;

/**
 * XksProxyAuthenticationCredential: the credential KMS signs its requests to the XKS proxy with. RawSecretAccessKey is
 * write-only; no toString, so that the secret never reaches a log through this object.
 */
public class XksProxyAuthenticationCredential {
    private String accessKeyId;

    private String rawSecretAccessKey;

    public XksProxyAuthenticationCredential() {
    }

    public XksProxyAuthenticationCredential(final String accessKeyId, final String rawSecretAccessKey) {
        this.accessKeyId = accessKeyId;
        this.rawSecretAccessKey = rawSecretAccessKey;
    }

    public XksProxyAuthenticationCredential copy() {
        return new XksProxyAuthenticationCredential(accessKeyId, rawSecretAccessKey);
    }

    public String getAccessKeyId() {
        return accessKeyId;
    }

    public void setAccessKeyId(final String accessKeyId) {
        this.accessKeyId = accessKeyId;
    }

    public String getRawSecretAccessKey() {
        return rawSecretAccessKey;
    }

    public void setRawSecretAccessKey(final String rawSecretAccessKey) {
        this.rawSecretAccessKey = rawSecretAccessKey;
    }

    @Override
    public boolean equals(final Object other) {
        return other instanceof XksProxyAuthenticationCredential that
            && ResourceModelJson.CREDENTIAL.write(this).equals(ResourceModelJson.CREDENTIAL.write(that));
    }

    @Override
    public int hashCode() {
        return ResourceModelJson.CREDENTIAL.write(this).hashCode();
    }
}
