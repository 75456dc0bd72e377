package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One emulated custom key store. Its connection state is a timeline of changes, some of them in the future:
 * a Connect records CONNECTING now and CONNECTED (or FAILED) at now + connect duration. The true state is the
 * last change at or before now; what DescribeCustomKeyStores shows is the last change at or before now minus
 * the describe lag. Timed transitions and lag therefore need no timers, only the clock.
 */
final class CustomKeyStore {

    record StateChange(Instant at, ConnectionState state, String errorCode) {
    }

    /** Old changes are dropped beyond this; enough for any lag a test sets up. */
    private static final int MAX_TIMELINE = 64;

    final String id;
    final long seq;
    final KeyStoreType type;
    final Instant creationDate;
    String name;

    // AWS_CLOUDHSM
    String cloudHsmClusterId;
    String trustAnchorCertificate;

    // EXTERNAL_KEY_STORE
    String xksUriEndpoint;
    String xksUriPath;
    String xksConnectivity;
    String xksVpcEndpointServiceName;
    String xksVpcEndpointServiceOwner;
    String xksAccessKeyId;

    // Secrets as KMS holds them, as fingerprints only (Secrets); null when unknown (a seeded store).
    String kmsPasswordFingerprint;
    String xksSecretFingerprint;

    private final List<StateChange> timeline = new ArrayList<>();

    CustomKeyStore(String id, long seq, KeyStoreType type, String name, Instant creationDate) {
        this.id = id;
        this.seq = seq;
        this.type = type;
        this.name = name;
        this.creationDate = creationDate;
    }

    /** The configuration without the timeline: what an update would leave, for KMS's checks before it applies. */
    CustomKeyStore configurationCopy() {
        CustomKeyStore c = new CustomKeyStore(id, seq, type, name, creationDate);
        c.configureFrom(this);
        return c;
    }

    /** Takes every configuration member (not id, type, dates or the timeline) from {@code c}. */
    void configureFrom(CustomKeyStore c) {
        name = c.name;
        cloudHsmClusterId = c.cloudHsmClusterId;
        trustAnchorCertificate = c.trustAnchorCertificate;
        xksUriEndpoint = c.xksUriEndpoint;
        xksUriPath = c.xksUriPath;
        xksConnectivity = c.xksConnectivity;
        xksVpcEndpointServiceName = c.xksVpcEndpointServiceName;
        xksVpcEndpointServiceOwner = c.xksVpcEndpointServiceOwner;
        xksAccessKeyId = c.xksAccessKeyId;
        kmsPasswordFingerprint = c.kmsPasswordFingerprint;
        xksSecretFingerprint = c.xksSecretFingerprint;
    }

    StateChange current(Instant now) {
        return lastAtOrBefore(now);
    }

    ConnectionState state(Instant now) {
        return current(now).state();
    }

    /** What a describe sees: the state as it was {@code lag} ago; a store never looks older than its first state. */
    StateChange visible(Instant now, Duration lag) {
        return lastAtOrBefore(now.minus(lag));
    }

    /** Replaces whatever was still to come with {@code changes} (a new operation supersedes a pending one). */
    void schedule(Instant now, List<StateChange> changes) {
        timeline.removeIf(c -> c.at().isAfter(now));
        timeline.addAll(changes);
        while (timeline.size() > MAX_TIMELINE) {
            timeline.remove(0);
        }
    }

    List<StateChange> timeline() {
        return List.copyOf(timeline);
    }

    private StateChange lastAtOrBefore(Instant t) {
        StateChange found = timeline.get(0);
        for (StateChange c : timeline) {
            if (!c.at().isAfter(t)) {
                found = c;
            }
        }
        return found;
    }
}
