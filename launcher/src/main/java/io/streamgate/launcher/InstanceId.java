package io.streamgate.launcher;

import io.streamgate.platform.config.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's instance id ({@code STREAMGATE_INSTANCE_ID}): it names the process's Kafka
 * clients and metrics, picks its auth reply partition, and names its Kafka Streams state
 * directory. An instance that keeps its id across restarts keeps its Streams state, so a
 * restart resumes from local stores instead of restoring every store from its changelog.
 *
 * <p>Unset, the id is made once and kept in the data dir ({@code instance-id}), so a restart on
 * the same data dir is the same instance. A second process started on a data dir that another
 * one holds (a lock on {@code instance.lock}, released when the process ends, however it ends)
 * cannot share that id: it would share the state directory and the reply partition. It gets a
 * random id for its lifetime, and says so.
 */
final class InstanceId implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceId.class);
    /** Safe in a client id, a metric tag and a directory name. */
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String id;
    private final FileChannel lockFile;

    private InstanceId(String id, FileChannel lockFile) {
        this.id = id;
        this.lockFile = lockFile;
    }

    String id() {
        return id;
    }

    static InstanceId resolve(Env env, Path dataDir) {
        String configured = env.string("STREAMGATE_INSTANCE_ID", null);
        if (configured != null) {
            if (!VALID.matcher(configured).matches()) {
                env.problem("STREAMGATE_INSTANCE_ID must be 1 to 64 letters, digits, '.', '_' or '-'");
            }
            return new InstanceId(configured, null);
        }
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve("instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                String random = random();
                log.info("data dir {} is in use by another process: this one runs as instance {} (set STREAMGATE_INSTANCE_ID to keep "
                        + "its Streams state across restarts)", dataDir, random);
                return new InstanceId(random, null);
            }
            Path file = dataDir.resolve("instance-id");
            String kept = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            if (!VALID.matcher(kept).matches()) {
                kept = random();
                Files.writeString(file, kept + "\n", StandardCharsets.UTF_8);
            }
            return new InstanceId(kept, channel);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the instance id in " + dataDir, e);
        }
    }

    private static String random() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    /** Releases the data dir for the next process. */
    @Override
    public void close() throws IOException {
        if (lockFile != null) lockFile.close();
    }
}
