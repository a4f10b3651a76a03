package io.clickstream.generator.job;

import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Paces the source at a steady rate that rises by {@code burstFactor} for {@code burstMillis} out
 * of every {@code periodMillis}, the way real traffic spikes. Rates are per job and shared by the
 * source's subtasks.
 */
public final class BurstRateLimiterStrategy implements RateLimiterStrategy {
    private static final long serialVersionUID = 1L;

    private final double perSecond;
    private final double burstFactor;
    private final long periodMillis;
    private final long burstMillis;

    public BurstRateLimiterStrategy(double perSecond, double burstFactor, long periodMillis, long burstMillis) {
        this.perSecond = perSecond;
        this.burstFactor = burstFactor;
        this.periodMillis = periodMillis;
        this.burstMillis = burstMillis;
    }

    @Override
    public RateLimiter createRateLimiter(int parallelism) {
        return new Limiter(perSecond / parallelism);
    }

    /** The rate in force at {@code epochMillis}. */
    double rateAt(long epochMillis, double base) {
        return epochMillis % periodMillis < burstMillis ? base * burstFactor : base;
    }

    private final class Limiter implements RateLimiter {
        private final double base;
        private long nextPermitNanos = System.nanoTime();

        Limiter(double base) {
            this.base = base;
        }

        @Override
        public CompletionStage<Void> acquire() {
            long now = System.nanoTime();
            if (nextPermitNanos < now - TimeUnit.MILLISECONDS.toNanos(100)) {
                nextPermitNanos = now; // do not catch up on a long pause with a flood
            }
            long wait = nextPermitNanos - now;
            nextPermitNanos += (long) (1e9 / rateAt(System.currentTimeMillis(), base));
            if (wait <= 0) {
                return CompletableFuture.completedFuture(null);
            }
            Executor later = CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS);
            return CompletableFuture.runAsync(() -> { }, later);
        }
    }
}
