package io.streamgate.bench.coach;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamgate.schemas.coach.CoachAnswers;
import io.streamgate.schemas.partial.PartialJsonParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validated tokens per second of the incremental partial parser for a 4 KiB and a 64 KiB
 * answer fed token by token (the SSE path feeds it exactly so), and the ratio of their
 * per-token costs (O(n) overall ⇒ ≈ 1). Same-run baseline: re-parsing the whole prefix with
 * Jackson at every token (what a naive partial validator does), which grows with the answer.
 *
 * <pre>mvn -q -B -o -pl bench -am compile dependency:build-classpath -Dmdep.outputFile=/tmp/bench.cp
 * java -cp bench/target/classes:$(cat /tmp/bench.cp) io.streamgate.bench.coach.PartialParseBench</pre>
 */
public final class PartialParseBench {
    public static void main(String[] args) throws Exception {
        List<String> small = tokens(answer(4 * 1024));
        List<String> large = tokens(answer(64 * 1024));
        // warm-up
        for (int i = 0; i < 300; i++) feed(small);
        for (int i = 0; i < 30; i++) feed(large);
        // Interleaved repetitions, median of each: the machine is shared, so single runs are noisy.
        double[] smallRuns = new double[9];
        double[] largeRuns = new double[9];
        for (int r = 0; r < 9; r++) {
            smallRuns[r] = measure(small, 1_000);
            largeRuns[r] = measure(large, 80);
        }
        java.util.Arrays.sort(smallRuns);
        java.util.Arrays.sort(largeRuns);
        double smallNs = smallRuns[4];
        double largeNs = largeRuns[4];
        System.out.printf("incremental 4 KiB : %d tokens, %.0f ns/token, %.2f M validated tokens/s%n", small.size(), smallNs, 1e3 / smallNs);
        System.out.printf("incremental 64 KiB: %d tokens, %.0f ns/token, %.2f M validated tokens/s%n", large.size(), largeNs, 1e3 / largeNs);
        System.out.printf("per-token cost ratio 64 KiB / 4 KiB: %.2f%n", largeNs / smallNs);
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < 5; i++) naive(mapper, small);
        long t0 = System.nanoTime();
        int rounds = 20;
        for (int i = 0; i < rounds; i++) naive(mapper, small);
        double naiveSmall = (System.nanoTime() - t0) / (double) rounds / small.size();
        t0 = System.nanoTime();
        naive(mapper, large);
        double naiveLarge = (System.nanoTime() - t0) / (double) large.size();
        System.out.printf("baseline re-parse of the prefix per token: 4 KiB %.0f ns/token, 64 KiB %.0f ns/token, ratio %.2f%n",
                naiveSmall, naiveLarge, naiveLarge / naiveSmall);
    }

    static double measure(List<String> tokens, int rounds) {
        long t0 = System.nanoTime();
        for (int i = 0; i < rounds; i++) feed(tokens);
        return (System.nanoTime() - t0) / (double) rounds / tokens.size();
    }

    static int sink;

    static void feed(List<String> tokens) {
        PartialJsonParser parser = CoachAnswers.partialParser();
        for (String t : tokens) if (!parser.feed(t)) throw new IllegalStateException(parser.error());
        if (!parser.complete()) throw new IllegalStateException("incomplete");
        sink += parser.result().size();
    }

    /** Re-parses the whole prefix at each token, as a non-incremental partial validator must. */
    static void naive(ObjectMapper mapper, List<String> tokens) throws Exception {
        StringBuilder prefix = new StringBuilder();
        for (String t : tokens) {
            prefix.append(t);
            try (var p = mapper.getFactory().createParser(prefix.toString())) {
                while (p.nextToken() != null) sink++;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                sink--;
            }
        }
    }

    /** A realistic answer of about {@code bytes} bytes: a long refined prompt and many tips with escapes and non-ASCII. */
    static String answer(int bytes) throws Exception {
        Map<String, Object> a = new LinkedHashMap<>();
        StringBuilder prompt = new StringBuilder();
        List<String> tips = new ArrayList<>();
        int i = 0;
        while (prompt.length() + tips.stream().mapToInt(String::length).sum() < bytes - 200) {
            if (i % 3 == 0) tips.add("Tip " + i + ": use \"bold\" type, colour #ff00aa — keep it readable at 28 px");
            else prompt.append("a neon fox streamer ").append(i).append(", dramatic rim light, ");
            i++;
        }
        a.put("refined_prompt", prompt.toString());
        a.put("tips", tips.subList(0, Math.min(tips.size(), 200)));
        a.put("missing_details", List.of("mood", "composition"));
        a.put("confidence", 0.82);
        return new ObjectMapper().writeValueAsString(a);
    }

    /** Word-sized tokens of 1–8 chars, like the offline model's. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == ' ' || c == ',' || c == '"' || i + 1 - start >= 8) && (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1)))) {
                out.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) out.add(text.substring(start));
        return out;
    }
}
