package io.kupgrade.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one file the agent reads and writes: the broker's server.properties, and backups beside it. Text is
 * ISO-8859-1 byte for byte, because Kafka reads the file with {@code Properties.load(InputStream)}
 * (ISO-8859-1), so untouched bytes round-trip exactly. Writes are compare-and-set on the SHA-256 of the bytes:
 * a caller that read an older version gets a {@link Conflict} and nothing changes. Thread-safe (writes are
 * serialised).
 */
final class ConfigStore {
    /** A backup suffix stays in the same directory: no '/', starts with '.'. */
    static final Pattern BACKUP_SUFFIX = Pattern.compile("\\.[A-Za-z0-9][A-Za-z0-9._-]{0,200}");

    /** The file's text and hash. */
    record Snapshot(String content, String sha256) {
    }

    /** The file changed since the caller read it (or exists when the caller thought it did not). */
    static final class Conflict extends Exception {
        private static final long serialVersionUID = 1L;
        final String currentSha256;

        Conflict(String currentSha256) {
            super("the file changed since it was read");
            this.currentSha256 = currentSha256;
        }
    }

    private final Path file;

    ConfigStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** The file, or the backup with the given suffix when it is not null. @throws NoSuchFileException */
    Snapshot read(String backupSuffix) throws IOException {
        Path p = backupSuffix == null ? file : backupOf(backupSuffix);
        byte[] bytes = Files.readAllBytes(p);
        return new Snapshot(new String(bytes, StandardCharsets.ISO_8859_1), sha256(bytes));
    }

    /** The hash of the current file, or null when it does not exist. */
    String currentSha256() throws IOException {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Copies the current file to {@code file + backupSuffix}, then replaces the file atomically (temp file
     * beside it, fsync, rename, fsync the directory), keeping its permissions. A symbolic link is followed.
     *
     * @param expectedSha256 the hash the caller read; null means the caller expects no file
     * @return the new hash
     * @throws Conflict when the current hash is not the expected one; nothing was written
     */
    synchronized String replace(String expectedSha256, String content, String backupSuffix)
            throws IOException, Conflict {
        byte[] bytes = latin1(content);
        String current = currentSha256();
        if (expectedSha256 == null ? current != null : !expectedSha256.equalsIgnoreCase(String.valueOf(current))) {
            throw new Conflict(current);
        }
        if (current == null) {
            replaceAtomically(file, bytes, null);
        } else {
            Path target = file.toRealPath();
            replaceAtomically(backupOf(backupSuffix), Files.readAllBytes(target), target);
            replaceAtomically(target, bytes, target);
        }
        return sha256(bytes);
    }

    Path backupOf(String suffix) {
        if (suffix == null || !BACKUP_SUFFIX.matcher(suffix).matches()) {
            throw new IllegalArgumentException("backupSuffix must match " + BACKUP_SUFFIX.pattern());
        }
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** @throws IllegalArgumentException for NUL or characters beyond U+00FF (Kafka would not read them back) */
    static byte[] latin1(String content) {
        if (content.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("content contains NUL");
        }
        try {
            ByteBuffer encoded = StandardCharsets.ISO_8859_1.newEncoder()
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(content));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("content has characters beyond ISO-8859-1; escape them as \\uXXXX");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void replaceAtomically(Path target, byte[] bytes, Path attributesFrom) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + target.getFileName() + ".kupgrade-agent.tmp");
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (attributesFrom != null) {
                PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
                if (view != null) {
                    PosixFileAttributes attrs = Files.readAttributes(attributesFrom, PosixFileAttributes.class,
                            LinkOption.NOFOLLOW_LINKS);
                    view.setPermissions(attrs.permissions());
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself has happened
        }
    }
}
