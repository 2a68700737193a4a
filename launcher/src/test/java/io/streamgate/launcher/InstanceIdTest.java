package io.streamgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamgate.platform.config.ConfigException;
import io.streamgate.platform.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceIdTest {
    @TempDir
    Path dataDir;

    static Env env(Map<String, String> values) {
        return new Env(values);
    }

    @Test
    void unset_the_id_is_made_once_and_kept_in_the_data_dir_so_a_restart_is_the_same_instance() throws Exception {
        String first;
        try (InstanceId a = InstanceId.resolve(env(Map.of()), dataDir)) {
            first = a.id();
        }
        try (InstanceId b = InstanceId.resolve(env(Map.of()), dataDir)) {
            assertThat(b.id()).isEqualTo(first);
        }
        assertThat(Files.readString(dataDir.resolve("instance-id")).strip()).isEqualTo(first);
    }

    @Test
    void a_second_process_on_a_data_dir_in_use_gets_an_id_of_its_own() throws Exception {
        try (InstanceId holder = InstanceId.resolve(env(Map.of()), dataDir);
             InstanceId second = InstanceId.resolve(env(Map.of()), dataDir)) {
            assertThat(second.id()).isNotEqualTo(holder.id()).matches("[0-9a-f]{8}");
        }
        // Once the holder is gone, the kept id is free again.
        String kept = Files.readString(dataDir.resolve("instance-id")).strip();
        try (InstanceId next = InstanceId.resolve(env(Map.of()), dataDir)) {
            assertThat(next.id()).isEqualTo(kept);
        }
    }

    @Test
    void a_configured_id_is_used_as_given_and_one_unfit_for_client_ids_and_directories_is_a_config_problem() throws Exception {
        try (InstanceId given = InstanceId.resolve(env(Map.of("STREAMGATE_INSTANCE_ID", "processors-0")), dataDir)) {
            assertThat(given.id()).isEqualTo("processors-0");
        }
        assertThat(dataDir.resolve("instance-id")).doesNotExist();
        Env bad = env(Map.of("STREAMGATE_INSTANCE_ID", "../etc"));
        InstanceId.resolve(bad, dataDir).close();
        assertThatThrownBy(bad::validate).isInstanceOf(ConfigException.class).hasMessageContaining("STREAMGATE_INSTANCE_ID");
    }
}
