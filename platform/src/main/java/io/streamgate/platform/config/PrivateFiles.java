package io.streamgate.platform.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Files that hold secrets: readable and writable by their owner only (mode 600), from the
 * moment they exist. On a file system without POSIX permissions (Windows) the platform's
 * defaults apply: a file in the user's own directory is private there.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> OWNER_ONLY = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private PrivateFiles() {}

    /**
     * Replaces {@code file} with {@code content} atomically: the bytes go to a temporary file in
     * the same directory, created with mode 600 (the mode is part of the creation, so there is no
     * moment it is readable by others), flushed to disk, then renamed over {@code file}. A reader
     * sees the old content or the new, never a half-written file; a crash leaves at most a
     * temporary file, itself mode 600.
     */
    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = posix(dir.getFileSystem())
                ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
                : Files.createTempFile(dir, "." + file.getFileName(), ".tmp", new FileAttribute<?>[0]);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) out.write(buffer);
                out.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Makes {@code file} mode 600 when anyone but its owner (or the owner, to execute) has a right on it.
     *
     * @return the permissions it had (as {@code rwxr-xr-x}) when they were changed; empty when
     *     they were already private or the file system has no POSIX permissions
     */
    public static Optional<String> tighten(Path file) throws IOException {
        if (!posix(file.getFileSystem())) return Optional.empty();
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(file);
        if (OWNER_ONLY.containsAll(current)) return Optional.empty();
        Files.setPosixFilePermissions(file, OWNER_ONLY);
        return Optional.of(PosixFilePermissions.toString(current));
    }

    private static boolean posix(FileSystem fs) {
        return fs.supportedFileAttributeViews().contains("posix");
    }
}
