package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ConnectCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.ConnectCustomKeyStoreResponse;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.DisconnectCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.DisconnectCustomKeyStoreResponse;

/**
 * An in-memory KMS for unit tests: timed transitions on an injected clock, describe lag, FAILED on demand,
 * scripted errors, and a log of every call. The emulator (local.emulator) is the faithful one over HTTP.
 */
public final class FakeKms implements KmsClient {
    public enum Op { DESCRIBE, CONNECT, DISCONNECT }

    private static final class Store {
        final String id;
        final String type;
        ConnectionStateType state;
        String errorCode;
        ConnectionStateType target;
        Instant arrivesAt;
        String failWith;
        /** What describe shows while lagging, and until when. */
        ConnectionStateType shown;
        Instant shownUntil;

        Store(final String id, final String type, final ConnectionStateType state) {
            this.id = id;
            this.type = type;
            this.state = state;
        }
    }

    private final Clock clock;
    private final Map<String, Store> stores = new LinkedHashMap<>();
    private final Map<Op, Deque<Supplier<RuntimeException>>> scriptedErrors = new EnumMap<>(Op.class);
    private final List<String> calls = new ArrayList<>();
    private Duration connectTime = Duration.ofSeconds(60);
    private Duration disconnectTime = Duration.ofSeconds(10);
    private Duration describeLag = Duration.ZERO;

    public FakeKms(final Clock clock) {
        this.clock = clock;
        for (Op op : Op.values()) {
            scriptedErrors.put(op, new ArrayDeque<>());
        }
    }

    public FakeKms store(final String id, final String type, final ConnectionStateType state) {
        stores.put(id, new Store(id, type, state));
        return this;
    }

    public FakeKms failed(final String id, final String type, final String errorCode) {
        store(id, type, ConnectionStateType.FAILED);
        stores.get(id).errorCode = errorCode;
        return this;
    }

    public FakeKms connectTime(final Duration duration) {
        connectTime = duration;
        return this;
    }

    public FakeKms disconnectTime(final Duration duration) {
        disconnectTime = duration;
        return this;
    }

    public FakeKms describeLag(final Duration lag) {
        describeLag = lag;
        return this;
    }

    /** The next connect of this store ends FAILED with this code. */
    public FakeKms failNextConnect(final String id, final String errorCode) {
        stores.get(id).failWith = errorCode;
        return this;
    }

    /** The next call of {@code op} throws what the supplier makes (repeat to queue several). */
    public FakeKms throwNext(final Op op, final Supplier<RuntimeException> error) {
        scriptedErrors.get(op).add(error);
        return this;
    }

    /** Another caller changes the store (takes effect at once, no lag). */
    public void outOfBand(final String id, final ConnectionStateType state) {
        final Store store = stores.get(id);
        store.state = state;
        store.target = null;
        store.shown = null;
        store.errorCode = null;
    }

    /** Another caller starts a transition that completes after the usual time. */
    public void outOfBandStart(final String id, final ConnectionStateType transitional) {
        settle(stores.get(id));
        begin(stores.get(id), transitional);
    }

    public ConnectionStateType state(final String id) {
        final Store store = stores.get(id);
        settle(store);
        return store.state;
    }

    public List<String> calls() {
        return calls;
    }

    public long count(final Op op) {
        return calls.stream().filter(c -> c.startsWith(op.name())).count();
    }

    public void clearCalls() {
        calls.clear();
    }

    @Override
    public DescribeCustomKeyStoresResponse describeCustomKeyStores(final DescribeCustomKeyStoresRequest request) {
        record(Op.DESCRIBE, request.customKeyStoreId());
        final Store store = require(request.customKeyStoreId());
        settle(store);
        final boolean lagging = store.shown != null && clock.instant().isBefore(store.shownUntil);
        final ConnectionStateType shown = lagging ? store.shown : store.state;
        return DescribeCustomKeyStoresResponse.builder().customKeyStores(CustomKeyStoresListEntry.builder()
            .customKeyStoreId(store.id).customKeyStoreName("name-" + store.id).customKeyStoreType(store.type)
            .cloudHsmClusterId("AWS_CLOUDHSM".equals(store.type) ? "cluster-234abcdefABC" : null)
            .connectionState(shown)
            .connectionErrorCode(shown == ConnectionStateType.FAILED ? store.errorCode : null).build()).build();
    }

    @Override
    public ConnectCustomKeyStoreResponse connectCustomKeyStore(final ConnectCustomKeyStoreRequest request) {
        record(Op.CONNECT, request.customKeyStoreId());
        final Store store = require(request.customKeyStoreId());
        settle(store);
        switch (store.state) {
            case DISCONNECTED:
                begin(store, ConnectionStateType.CONNECTING);
                break;
            case CONNECTED:
            case CONNECTING:
                break;
            default:
                throw invalidState(store, "ConnectCustomKeyStore");
        }
        return ConnectCustomKeyStoreResponse.builder().build();
    }

    @Override
    public DisconnectCustomKeyStoreResponse disconnectCustomKeyStore(final DisconnectCustomKeyStoreRequest request) {
        record(Op.DISCONNECT, request.customKeyStoreId());
        final Store store = require(request.customKeyStoreId());
        settle(store);
        switch (store.state) {
            case CONNECTED:
            case CONNECTING:
            case FAILED:
                begin(store, ConnectionStateType.DISCONNECTING);
                break;
            default:
                throw invalidState(store, "DisconnectCustomKeyStore");
        }
        return DisconnectCustomKeyStoreResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return "kms";
    }

    @Override
    public void close() {
    }

    private void begin(final Store store, final ConnectionStateType transitional) {
        final ConnectionStateType before = store.state;
        store.state = transitional;
        store.errorCode = null;
        final boolean connecting = transitional == ConnectionStateType.CONNECTING;
        store.target = connecting ? ConnectionStateType.CONNECTED : ConnectionStateType.DISCONNECTED;
        store.arrivesAt = clock.instant().plus(connecting ? connectTime : disconnectTime);
        if (!describeLag.isZero()) {
            store.shown = before;
            store.shownUntil = clock.instant().plus(describeLag);
        }
    }

    private void settle(final Store store) {
        if (store.target != null && !clock.instant().isBefore(store.arrivesAt)) {
            if (store.target == ConnectionStateType.CONNECTED && store.failWith != null) {
                store.state = ConnectionStateType.FAILED;
                store.errorCode = store.failWith;
                store.failWith = null;
            } else {
                store.state = store.target;
            }
            store.target = null;
        }
    }

    private void record(final Op op, final String id) {
        calls.add(op + " " + id + " @" + clock.instant());
        final Supplier<RuntimeException> error = scriptedErrors.get(op).poll();
        if (error != null) {
            throw error.get();
        }
    }

    private Store require(final String id) {
        final Store store = stores.get(id);
        if (store == null) {
            throw CustomKeyStoreNotFoundException.builder().message("No custom key store " + id).build();
        }
        return store;
    }

    private static RuntimeException invalidState(final Store store, final String operation) {
        return CustomKeyStoreInvalidStateException.builder()
            .message(operation + " is not valid in state " + store.state).build();
    }
}
