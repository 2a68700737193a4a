package io.streamgate.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgate.testkit.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {
    @Test
    void noFeaturePackageDependsBackOnOneThatDependsOnIt() {
        assertThat(PackageCycles.find(Path.of("target/classes"), "io.streamgate.api")).isEmpty();
    }
}
