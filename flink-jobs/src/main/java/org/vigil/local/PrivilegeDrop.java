package org.vigil.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.stream.Stream;

/** Runs Elasticsearch as {@code nobody} when we are root, because Elasticsearch refuses to run as root. */
final class PrivilegeDrop {
    static final String USER = "nobody";
    private static final List<String> GROUPS = List.of("nogroup", "nobody");

    private PrivilegeDrop() {}

    static boolean needed() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The command prefix that switches user; empty when not root. */
    static List<String> prefix() throws IOException {
        if (!needed()) {
            return List.of();
        }
        String group = group().getName();
        // setpriv execs in place, so the process we hold is the launcher itself and signals reach it directly.
        for (String dir : List.of("/usr/bin", "/bin")) {
            Path setpriv = Path.of(dir, "setpriv");
            if (Files.isExecutable(setpriv)) {
                return List.of(setpriv.toString(), "--reuid=" + USER, "--regid=" + group, "--clear-groups", "--");
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            Path runuser = Path.of(dir, "runuser");
            if (Files.isExecutable(runuser)) {
                return List.of(runuser.toString(), "-u", USER, "--");
            }
        }
        throw new IOException("running as root, and Elasticsearch refuses root; neither setpriv nor runuser was found "
                + "to start it as '" + USER + "'. Run as an ordinary user or install util-linux.");
    }

    /** Gives the directory tree to the unprivileged user so the node can write its data, logs and keystore. */
    static void handOver(Path dir) throws IOException {
        if (!needed()) {
            return;
        }
        UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(USER);
        GroupPrincipal group = group();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static GroupPrincipal group() throws IOException {
        UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        for (String name : GROUPS) {
            try {
                return lookup.lookupPrincipalByGroupName(name);
            } catch (UserPrincipalNotFoundException tryNext) {
                // Debian calls it nogroup, Red Hat nobody.
            }
        }
        throw new IOException("no group named any of " + GROUPS + " to run Elasticsearch under");
    }
}
