package org.vigil.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** The Elasticsearch distribution unpacked once per version under java.io.tmpdir and shared read-only by nodes. */
final class ElasticsearchInstall {
    private static final String COMPLETE_MARKER = ".vigil-unpacked";

    private ElasticsearchInstall() {}

    /** The ES home directory (with bin/, lib/, modules/, config/), unpacking the zip if not done before. */
    static synchronized Path unpack(Path zip, String version) throws IOException {
        if (!Files.isRegularFile(zip)) {
            throw new IOException("Elasticsearch distribution not found at " + zip + "; run `mvn -pl flink-jobs "
                    + "dependency:resolve` online once, or set -D" + EmbeddedElasticsearch.ZIP_PROPERTY + "=<path>");
        }
        // Under tmpdir, not ~/.m2 or /root: the node may run as 'nobody', who must be able to read it.
        Path root = Path.of(System.getProperty("java.io.tmpdir"), "vigil-elasticsearch-" + version);
        Path home = root.resolve("elasticsearch-" + version);
        if (Files.exists(root.resolve(COMPLETE_MARKER)) && Files.isDirectory(home)) {
            return home;
        }
        Path staging = Files.createTempDirectory(root.getParent(), "vigil-elasticsearch-unpacking-");
        extract(zip, staging);
        Files.writeString(staging.resolve(COMPLETE_MARKER), zip.toString());
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
        try {
            // Atomic, so a concurrent JVM sees either nothing or a complete install.
            Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
            EmbeddedElasticsearch.deleteRecursively(staging);
            if (!Files.exists(root.resolve(COMPLETE_MARKER))) {
                // A half-written install from an older crash: replace it.
                EmbeddedElasticsearch.deleteRecursively(root);
                return unpack(zip, version);
            }
        }
        if (!Files.isDirectory(home)) {
            throw new IOException("unexpected layout in " + zip + ": no elasticsearch-" + version + "/ directory");
        }
        return home;
    }

    private static void extract(Path zip, Path target) throws IOException {
        Path normalizedTarget = target.toAbsolutePath().normalize();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path out = normalizedTarget.resolve(e.getName()).normalize();
                if (!out.startsWith(normalizedTarget)) {
                    throw new IOException("zip entry escapes the target directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                    Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
                    continue;
                }
                Files.createDirectories(out.getParent());
                copy(in, out);
                // Zip entries carry no Unix modes through java.util.zip; the launch scripts need +x.
                boolean executable = out.getParent().getFileName().toString().equals("bin");
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static void copy(InputStream in, Path out) throws IOException {
        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }
}
