package com.keyhold.kms.customkeystore;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A benchmark, not a test: the key store type's DELETE of a CONNECTED key store in an account of many KMS keys
 * (default 20,000), through the type's HandlerWrapper with the production key-count budget, the SDK over HTTP to the
 * in-process emulator (the waits on its virtual clock, so the wall time is the handler's and the emulator's work).
 * Prints one Markdown row per case: calls by operation, invocations, wall time. Run by bench/delete-keys.sh.
 */
public final class DeleteKeyCountBench {
    public static void main(final String[] args) {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.println("| case | account keys | ListKeys | DescribeKey | other calls | invocations | answer | wall time (s) |");
        System.out.println("|---|---:|---:|---:|---|---:|---|---:|");
        run("no key in the key store: counted, disconnected, deleted", keys, false);
        run("one key in the key store, last page: refused before any disconnect", keys, true);
    }

    private static void run(final String title, final int keys, final boolean keyInStore) {
        final VirtualClock clock = new VirtualClock();
        try (KmsEmulator emulator = KmsEmulator.builder().clock(clock).build().start()) {
            final String id = emulator.seedStore(StoreSpec.cloudHsm("bench-delete").state(ConnectionState.CONNECTED));
            emulator.addAccountKeys(keyInStore ? keys - 1 : keys);
            if (keyInStore) {
                emulator.keyCount(id, 1);
            }
            final HandlerConfig config = new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()),
                PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
            final WrapperDriver driver = new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()),
                ResourceModel.TYPE_NAME).as(WrapperDriver.STACK_ID, "Store");
            final Map<String, Object> props = new LinkedHashMap<>();
            props.put("CustomKeyStoreId", id);
            props.put("CustomKeyStoreName", "bench-delete");
            props.put("CloudHsmClusterId", "cluster-234567abcdefg");
            props.put("TrustAnchorCertificate", "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----");
            final long start = System.nanoTime();
            final JsonNode answer = driver.run("DELETE", props, null);
            final double seconds = (System.nanoTime() - start) / 1e9;
            final StringBuilder other = new StringBuilder();
            for (String op : new String[] {"DescribeCustomKeyStores", "DisconnectCustomKeyStore",
                "DeleteCustomKeyStore", "GetParameter", "DeleteParameter"}) {
                final long n = emulator.requestCount(op);
                if (n > 0) {
                    other.append(other.length() == 0 ? "" : ", ").append(op).append(" ×").append(n);
                }
            }
            System.out.printf("| %s | %d | %d | %d | %s | %d | %s | %.1f |%n", title, keys,
                emulator.requestCount("ListKeys"), emulator.requestCount("DescribeKey"), other,
                driver.responses().size(), answer.path("status").asText()
                    + (answer.has("errorCode") ? " / " + answer.path("errorCode").asText() : ""), seconds);
        }
    }

    private DeleteKeyCountBench() {
    }
}
