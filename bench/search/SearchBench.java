import dev.serveragent.config.DatabaseUrl;
import dev.serveragent.store.Database;
import dev.serveragent.store.SearchRepository;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Latency of the real search_memory query (store/SearchRepository.search, 10 hits) on the seeded
 * database, one query at a time, per class of query word frequency, after a warm-up; then the
 * dashboard's paged mode (SearchRepository.newest, a first or second page of 50 messages).
 * Usage: java -cp target/server-agent.jar bench/search/SearchBench.java JDBC_URL [queries per class]
 */
public class SearchBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        try (Database db = Database.open(DatabaseUrl.parse("url", args[0]), 2, Optional.empty())) {
            SearchRepository search = new SearchRepository(db.jdbi());
            Random random = new Random(42);
            record Kind(String name, long min, long max) {}
            List<Kind> kinds = List.of(new Kind("rare word (<100 messages)", 1, 100),
                    new Kind("common word (100-5,000)", 100, 5_000),
                    new Kind("frequent word (5,000-50,000)", 5_000, 50_000),
                    new Kind("very frequent word (>50,000)", 50_000, Long.MAX_VALUE));
            List<Double> all = new ArrayList<>();
            System.out.printf("%-32s %7s %8s %8s %8s%n", "query", "n", "p50_ms", "p95_ms", "max_ms");
            for (Kind k : kinds) {
                List<String> words = db.jdbi().withHandle(h -> h.createQuery(
                        "select word from bench_words where approx_messages >= :min and approx_messages < :max order by word")
                        .bind("min", k.min()).bind("max", k.max()).mapTo(String.class).list());
                if (words.isEmpty()) {
                    continue;
                }
                for (int i = 0; i < 20; i++) { // warm-up
                    search.search(words.get(random.nextInt(words.size())), OptionalLong.empty(), 10);
                }
                double[] ms = new double[n];
                for (int i = 0; i < n; i++) {
                    String q = words.get(random.nextInt(words.size()));
                    long t0 = System.nanoTime();
                    search.search(q, OptionalLong.empty(), 10);
                    ms[i] = (System.nanoTime() - t0) / 1e6;
                    all.add(ms[i]);
                }
                print(k.name(), ms);
            }
            String[] phrases = {"spare key", "where is the spare key", "zeppelin", "\"blue flower pot\"", "garage -zeppelin"};
            double[] ms = new double[n];
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                search.search(phrases[i % phrases.length], OptionalLong.empty(), 10);
                ms[i] = (System.nanoTime() - t0) / 1e6;
                all.add(ms[i]);
            }
            print("needles (planted phrases)", ms);
            print("all", all.stream().mapToDouble(Double::doubleValue).toArray());
            // The dashboard's search box: the same query, paged newest first (50 messages a page), first and second page.
            List<String> frequent = db.jdbi().withHandle(h -> h.createQuery(
                    "select word from bench_words where approx_messages >= 100 order by word").mapTo(String.class).list());
            double[] pages = new double[n];
            for (int i = 0; i < n; i++) {
                String q = frequent.get(random.nextInt(frequent.size()));
                long t0 = System.nanoTime();
                SearchRepository.Page first = search.newest(q, OptionalLong.empty(), Optional.empty(), 50);
                if (i % 2 == 1 && first.olderBefore().isPresent()) {
                    t0 = System.nanoTime();
                    search.newest(q, OptionalLong.empty(), first.olderBefore(), 50);
                }
                pages[i] = (System.nanoTime() - t0) / 1e6;
            }
            print("dashboard page (words >= 100)", pages);
            System.out.println("hit for 'where is the spare key': "
                    + search.search("where is the spare key", OptionalLong.empty(), 1).get(0).snippet());
        }
    }

    static void print(String name, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        System.out.printf("%-32s %7d %8.1f %8.1f %8.1f%n", name, s.length, s[s.length / 2], s[(int) Math.ceil(s.length * 0.95) - 1],
                s[s.length - 1]);
    }
}
