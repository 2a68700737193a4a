package io.streamgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** docs/topics.md describes every topic of the registry, with the registry's numbers. */
class TopicsDocTest {
    static final Path DOC = Path.of("../docs/topics.md");

    static Stream<String> topicNames() {
        return Topics.all().stream().map(TopicSpec::name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicNames")
    void everyTopicHasItsRowInDocsTopicsMd(String name) throws Exception {
        TopicSpec<?, ?> topic = Topics.byName(name);
        String expected = row(topic);
        Optional<List<String>> cells = Files.readAllLines(DOC).stream()
                .filter(l -> l.startsWith("| `" + name + "` |"))
                .map(TopicsDocTest::cells)
                .findFirst();
        assertThat(cells).as("docs/topics.md has no row for topic %s. Add this row to the table of your feature's section "
                + "(fill in the key and value descriptions):%n%s%n", name, expected).isPresent();
        List<String> c = cells.get();
        assertThat(c).as("the row of %s in docs/topics.md needs 6 cells (topic | key | value | partitions | retention | cleanup); expected like:%n%s%n",
                name, expected).hasSizeGreaterThanOrEqualTo(6);
        assertThat(c.get(2)).as("the value cell of %s links its schema; expected like:%n%s%n", name, expected)
                .contains("(../schemas/src/main/resources/" + topic.schemaResource() + ")");
        assertThat(c.get(3)).as("partitions of %s in docs/topics.md; expected like:%n%s%n", name, expected)
                .isEqualTo(Integer.toString(topic.partitions()));
        assertThat(c.get(4)).as("retention of %s in docs/topics.md (may be followed by a note); expected like:%n%s%n", name, expected)
                .startsWith(retention(topic.retention()));
        assertThat(c.get(5)).as("cleanup policy of %s in docs/topics.md; expected like:%n%s%n", name, expected)
                .isEqualTo(topic.cleanupPolicy().kafkaValue);
    }

    /** The row to paste for {@code topic}; key and value cells are for the author to describe. */
    static String row(TopicSpec<?, ?> topic) {
        return "| `" + topic.name() + "` | " + topic.keyType().getSimpleName() + " (say what it identifies) | `"
                + topic.valueType().getSimpleName() + "`: its fields — [schema](../schemas/src/main/resources/" + topic.schemaResource()
                + ") | " + topic.partitions() + " | " + retention(topic.retention()) + " | " + topic.cleanupPolicy().kafkaValue + " |";
    }

    static String retention(Duration d) {
        if (d == null) return "forever";
        if (d.toDays() > 0 && d.equals(Duration.ofDays(d.toDays()))) return d.toDays() + (d.toDays() == 1 ? " day" : " days");
        if (d.toHours() > 0 && d.equals(Duration.ofHours(d.toHours()))) return d.toHours() + (d.toHours() == 1 ? " hour" : " hours");
        if (d.toMinutes() > 0 && d.equals(Duration.ofMinutes(d.toMinutes()))) return d.toMinutes() + " minutes";
        return d.toMillis() + " ms";
    }

    /** The cells of a markdown table row; an escaped pipe ({@code \|}) stays inside its cell. */
    static List<String> cells(String line) {
        String body = line.trim();
        body = body.substring(1, body.endsWith("|") ? body.length() - 1 : body.length());
        return Arrays.stream(body.split("(?<!\\\\)\\|")).map(String::trim).toList();
    }
}
