package io.cowsql.client;

import java.time.Duration;
import java.util.Objects;

/** Immutable client settings; every {@code with...} returns a changed copy. */
public final class ClientOptions {
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxFrameBytes;
    private final Duration backoffMin;
    private final Duration backoffMax;
    private final Duration retryTimeout;
    private final Dialer dialer;
    private final AddressResolver resolver;
    private final long clientId;

    private ClientOptions(Duration connectTimeout, Duration requestTimeout, long maxFrameBytes, Duration backoffMin,
            Duration backoffMax, Duration retryTimeout, Dialer dialer, AddressResolver resolver, long clientId) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.maxFrameBytes = maxFrameBytes;
        this.backoffMin = backoffMin;
        this.backoffMax = backoffMax;
        this.retryTimeout = retryTimeout;
        this.dialer = dialer;
        this.resolver = resolver;
        this.clientId = clientId;
    }

    /**
     * Connect 2 s, request 30 s, 128 MiB frame cap, backoff 100 ms doubling to
     * 1 s (go-cowsql's), give up finding a leader after 30 s, plain TCP.
     */
    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(30), 128L << 20, Duration.ofMillis(100),
                Duration.ofSeconds(1), Duration.ofSeconds(30), Dialer.tcp(), AddressResolver.identity(), 0);
    }

    private static Duration positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    public ClientOptions withConnectTimeout(Duration d) {
        return new ClientOptions(positive(d, "connectTimeout"), requestTimeout, maxFrameBytes, backoffMin, backoffMax,
                retryTimeout, dialer, resolver, clientId);
    }

    public ClientOptions withRequestTimeout(Duration d) {
        return new ClientOptions(connectTimeout, positive(d, "requestTimeout"), maxFrameBytes, backoffMin, backoffMax,
                retryTimeout, dialer, resolver, clientId);
    }

    public ClientOptions withMaxFrameBytes(long bytes) {
        if (bytes < 64) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 64, got " + bytes);
        }
        return new ClientOptions(connectTimeout, requestTimeout, bytes, backoffMin, backoffMax, retryTimeout, dialer,
                resolver, clientId);
    }

    public ClientOptions withRetryBackoff(Duration min, Duration max) {
        positive(min, "backoff minimum");
        positive(max, "backoff maximum");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff maximum " + max + " is below the minimum " + min);
        }
        return new ClientOptions(connectTimeout, requestTimeout, maxFrameBytes, min, max, retryTimeout, dialer, resolver,
                clientId);
    }

    public ClientOptions withRetryTimeout(Duration d) {
        return new ClientOptions(connectTimeout, requestTimeout, maxFrameBytes, backoffMin, backoffMax,
                positive(d, "retryTimeout"), dialer, resolver, clientId);
    }

    public ClientOptions withDialer(Dialer d) {
        return new ClientOptions(connectTimeout, requestTimeout, maxFrameBytes, backoffMin, backoffMax, retryTimeout,
                Objects.requireNonNull(d, "dialer"), resolver, clientId);
    }

    public ClientOptions withResolver(AddressResolver r) {
        return new ClientOptions(connectTimeout, requestTimeout, maxFrameBytes, backoffMin, backoffMax, retryTimeout,
                dialer, Objects.requireNonNull(r, "resolver"), clientId);
    }

    /** The id sent in the CLIENT request (informational on the server). */
    public ClientOptions withClientId(long id) {
        return new ClientOptions(connectTimeout, requestTimeout, maxFrameBytes, backoffMin, backoffMax, retryTimeout,
                dialer, resolver, id);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public long maxFrameBytes() {
        return maxFrameBytes;
    }

    public Duration backoffMin() {
        return backoffMin;
    }

    public Duration backoffMax() {
        return backoffMax;
    }

    public Duration retryTimeout() {
        return retryTimeout;
    }

    public Dialer dialer() {
        return dialer;
    }

    public AddressResolver resolver() {
        return resolver;
    }

    public long clientId() {
        return clientId;
    }
}
