package io.cowsql.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionGroupTest {
    @Test
    void writesOfOneGroupRunOneAtATime() throws Exception {
        SessionGroup group = SessionGroup.isolated();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    try {
                        group.write(Duration.ofSeconds(10), "db", () -> {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            // Stay inside long enough that writers without a gate would overlap.
                            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                            inside.decrementAndGet();
                            return null;
                        });
                    } catch (CowsqlException e) {
                        throw new AssertionError(e);
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertThat(most.get()).isEqualTo(1);
    }

    @Test
    void aWriterThatWaitsTooLongGivesUpWithoutSending() throws Exception {
        SessionGroup group = SessionGroup.isolated();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try {
                group.write(Duration.ofSeconds(10), "db", () -> {
                    holding.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return null;
                });
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        holder.start();
        holding.await();
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> group.write(Duration.ofMillis(100), "db", ran::incrementAndGet))
                .isInstanceOf(CowsqlException.class).hasMessageContaining("nothing was sent")
                .satisfies(e -> assertThat(((CowsqlException) e).code()).isEqualTo(CowsqlException.CLIENT_TIMEOUT));
        assertThat(ran.get()).isZero();
        release.countDown();
        holder.join();
    }

    @Test
    void sessionsOfTheSameClusterAndDatabaseShareAGroupWhateverTheAddressOrder() {
        assertThat(SessionGroup.shared(List.of("b:1", "a:1"), "db")).isSameAs(SessionGroup.shared(List.of("a:1", "b:1"), "db"));
        assertThat(SessionGroup.shared(List.of("a:1"), "db")).isNotSameAs(SessionGroup.shared(List.of("a:1"), "other"));
    }
}
