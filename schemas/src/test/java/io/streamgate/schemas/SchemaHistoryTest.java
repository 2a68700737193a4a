package io.streamgate.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each committed version of every schema file (and the working copy, when edited) is
 * backward compatible with the version committed before it, by the rules of
 * {@link SchemaCompatibility}. History comes from git; without git or history (an
 * exported tarball, a shallow clone of one commit) the check is skipped, not failed.
 */
class SchemaHistoryTest {

    static Stream<Path> schemaFiles() throws IOException {
        return SchemaFilesTest.schemaFiles();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemaFiles")
    void everyChangeIsBackwardCompatibleWithTheVersionCommittedBeforeIt(Path file) throws Exception {
        Path absolute = file.toAbsolutePath();
        Git git = Git.at(absolute.getParent());
        assumeTrue(git != null, "no git repository or git executable here: schema history not checked");
        String path = git.relative(absolute);

        // Newest first: the working copy when it differs from HEAD, then each commit that touched the file.
        List<String> labels = new ArrayList<>();
        List<String> versions = new ArrayList<>();
        String working = Files.readString(absolute);
        String head = git.show("HEAD", path);
        if (head == null || !head.equals(working)) {
            labels.add("working copy");
            versions.add(working);
        }
        for (String commit : git.lines("log", "--format=%h", "--follow", "--", path)) {
            String text = git.show(commit, path);
            if (text == null) break; // renamed: older names are another file's history
            labels.add("commit " + commit);
            versions.add(text);
        }
        assumeTrue(versions.size() > 1, "no earlier committed version of " + path);

        List<String> problems = new ArrayList<>();
        for (int i = 0; i + 1 < versions.size(); i++) {
            JsonNode newer = Json.mapper().readTree(versions.get(i));
            JsonNode older = Json.mapper().readTree(versions.get(i + 1));
            for (String p : SchemaCompatibility.problems(older, newer)) {
                problems.add(labels.get(i) + " vs " + labels.get(i + 1) + ": " + p);
            }
        }
        assertThat(problems)
                .as(path + " changed incompatibly (rules in SchemaCompatibility; docs/topics.md). "
                        + "Make the change compatible (optional property, wider type) or publish a new topic such as <name>.v2")
                .isEmpty();
    }

    /** Just enough git: run in the repository, capture stdout, null on failure. */
    record Git(Path top) {
        static Git at(Path dir) {
            try {
                Process p = new ProcessBuilder("git", "-C", dir.toString(), "rev-parse", "--show-toplevel").start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) return null;
                return new Git(Path.of(out).toRealPath());
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        String relative(Path file) throws IOException {
            return top.relativize(file.toRealPath()).toString().replace('\\', '/');
        }

        String show(String commit, String path) throws IOException, InterruptedException {
            return run("show", commit + ":" + path);
        }

        List<String> lines(String... args) throws IOException, InterruptedException {
            String out = run(args);
            return out == null ? List.of() : out.lines().filter(l -> !l.isBlank()).toList();
        }

        String run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("git", "-C", top.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) return null;
            return out;
        }
    }
}
