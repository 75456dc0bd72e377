package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import java.io.IOException;

/** The connection type's executable entry point (.rpdk-config): {@link ExecutableEntryPoint} on its wrapper. */
public final class HandlerWrapperExecutable {
    public static void main(final String[] args) throws IOException {
        ExecutableEntryPoint.main(args, "HandlerWrapperExecutable",
            guard -> new HandlerWrapper(HandlerConfig.defaults(), guard));
    }

    private HandlerWrapperExecutable() {
    }
}
