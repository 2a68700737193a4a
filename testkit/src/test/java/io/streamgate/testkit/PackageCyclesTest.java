package io.streamgate.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageCyclesTest {
    @TempDir
    Path dir;

    @Test
    void aCycleBetweenTwoFeaturePackagesIsFoundThroughTheirSubpackages() throws IOException {
        compile(Map.of(
                "x/a/A.java", "package x.a; public class A { x.b.inner.B b; }",
                "x/b/inner/B.java", "package x.b.inner; public class B { x.a.A a; }",
                "x/c/C.java", "package x.c; public class C { x.a.A a; }"));
        assertThat(PackageCycles.find(dir.resolve("classes"), "x")).containsExactly(List.of("x.a", "x.b", "x.a"));
    }

    @Test
    void dependenciesOneWayAreNoCycle() throws IOException {
        compile(Map.of(
                "x/X.java", "package x; public class X { x.a.A a; }",
                "x/a/A.java", "package x.a; public class A { x.b.B b; }",
                "x/b/B.java", "package x.b; public class B { }"));
        assertThat(PackageCycles.find(dir.resolve("classes"), "x")).isEmpty();
    }

    private void compile(Map<String, String> sources) throws IOException {
        Path src = dir.resolve("src");
        for (var e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
        }
        Files.createDirectories(dir.resolve("classes"));
        String[] args = Stream.concat(
                Stream.of("-d", dir.resolve("classes").toString()),
                sources.keySet().stream().map(k -> src.resolve(k).toString())).toArray(String[]::new);
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args)).isZero();
    }
}
