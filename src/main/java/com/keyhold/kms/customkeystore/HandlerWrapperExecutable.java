package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import java.io.IOException;

/** The key store type's executable entry point (custom-key-store/.rpdk-config): {@link ExecutableEntryPoint}. */
public final class HandlerWrapperExecutable {
    public static void main(final String[] args) throws IOException {
        ExecutableEntryPoint.main(args, "HandlerWrapperExecutable",
            guard -> new HandlerWrapper(HandlerConfig.defaults(), guard));
    }

    private HandlerWrapperExecutable() {
    }
}
