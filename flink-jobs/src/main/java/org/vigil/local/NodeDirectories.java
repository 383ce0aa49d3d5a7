package org.vigil.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The per-node config, data, logs and temp directories inside a node's work directory. */
record NodeDirectories(Path config, Path data, Path logs, Path tmp) {

    /** Creates the directories (keeping existing data, so a restart finds its indices) and hands them to the node's user. */
    static NodeDirectories prepare(Path home, Path workDir, String heap) throws IOException {
        if (PrivilegeDrop.needed() && workDir.toAbsolutePath().startsWith("/root")) {
            throw new IOException("work dir " + workDir + " is under /root, which the unprivileged Elasticsearch user "
                    + "cannot enter; use a directory under /tmp");
        }
        NodeDirectories dirs = new NodeDirectories(workDir.resolve("config"), workDir.resolve("data"),
                workDir.resolve("logs"), workDir.resolve("tmp"));
        // A private config dir: the node writes its keystore there, and the shared install stays read-only.
        if (!Files.exists(dirs.config)) {
            copyTree(home.resolve("config"), dirs.config);
        }
        Files.createDirectories(dirs.data);
        Files.createDirectories(dirs.logs);
        Files.createDirectories(dirs.tmp);
        Path options = dirs.config.resolve("jvm.options.d").resolve("vigil.options");
        Files.createDirectories(options.getParent());
        // A fixed small heap: by default the node would size itself to half the machine's memory and pre-touch it.
        Files.write(options, List.of("-Xms" + heap, "-Xmx" + heap));
        PrivilegeDrop.handOver(workDir);
        return dirs;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
