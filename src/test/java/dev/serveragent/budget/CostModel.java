package dev.serveragent.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Simulated Claude Code runs: each run is a list of model turns with their token counts, as the
 * stream reports them, and a running time. Shared by the budget simulation and the scripted
 * runner of the scheduler tests. Not thread-safe (the bursty model keeps its regime).
 */
public interface CostModel {
    /** Seconds of wall-clock time one model turn takes (tool calls included). */
    long SECONDS_PER_TURN = 20;

    PlannedRun next(Random random);

    String name();

    /** One run as planned; {@link #underCeiling} cuts it where the real runner would. */
    record PlannedRun(List<Long> turns) {
        public long total() {
            return turns.stream().mapToLong(Long::longValue).sum();
        }

        public long largestTurn() {
            return turns.stream().mapToLong(Long::longValue).max().orElse(0);
        }

        /**
         * The turns actually run under {@code ceiling}: the run stops at the first turn after which
         * the cumulative usage crosses the ceiling (that turn is spent and counted).
         */
        public PlannedRun underCeiling(long ceiling) {
            List<Long> done = new ArrayList<>();
            long sum = 0;
            for (long t : turns) {
                done.add(t);
                sum += t;
                if (sum > ceiling) {
                    break;
                }
            }
            return new PlannedRun(done);
        }

        public Duration duration() {
            return Duration.ofSeconds(SECONDS_PER_TURN * turns.size());
        }
    }

    /** About 11 turns of about 12k tokens: roughly 130k tokens per cycle, little spread. */
    static CostModel steady() {
        return new CostModel() {
            public PlannedRun next(Random r) {
                return turns(r, 8 + r.nextInt(7), 12_000, 2_000);
            }

            public String name() {
                return "steady";
            }
        };
    }

    /**
     * Log-normal number of turns (median 8, sigma 1.0, at most 200) of about 14k tokens: median
     * about 110k, mean about 190k, one cycle in a hundred above 1.1M, the worst near 2.8M.
     */
    static CostModel heavyTailed() {
        return new CostModel() {
            public PlannedRun next(Random r) {
                int n = (int) Math.min(200, Math.max(1, Math.round(8 * Math.exp(r.nextGaussian()))));
                return turns(r, n, 14_000, 4_000);
            }

            public String name() {
                return "heavy-tailed";
            }
        };
    }

    /**
     * Two regimes that switch with probability 0.08 after each cycle: quiet cycles of about 40k
     * tokens and bursts of about 450k.
     */
    static CostModel bursty() {
        return new CostModel() {
            private boolean burst;

            public PlannedRun next(Random r) {
                if (r.nextDouble() < 0.08) {
                    burst = !burst;
                }
                return burst ? turns(r, 25 + r.nextInt(11), 15_000, 3_000) : turns(r, 4 + r.nextInt(3), 8_000, 1_500);
            }

            public String name() {
                return "bursty";
            }
        };
    }

    private static PlannedRun turns(Random r, int n, long mean, long sd) {
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Math.max(500, Math.round(mean + sd * r.nextGaussian())));
        }
        return new PlannedRun(out);
    }
}
