package org.vigil.taxii;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** The {@code vigil taxii} command: runs the server (normal or fixture mode) and makes password and token hashes. */
public final class TaxiiCommand {
    public static final String USAGE = """
            usage: vigil taxii --config FILE [--port P] [--insecure-http]
                   vigil taxii --fixture FILE [--port P] [--host H]
                   vigil taxii hash-password [--iterations N]
                   vigil taxii new-token

              --config FILE     serve the collections of a server config file (see README, "TAXII 2.1 server"):
                                HTTPS with the configured PKCS12 keystore (its password in the environment variable
                                named by tls.keystore_password_env, default VIGIL_TAXII_KEYSTORE_PASSWORD),
                                objects persisted in data_dir, the NCSC feed topic ingested if "feed" is set
              --insecure-http   plain HTTP instead of HTTPS, for local use only
              --port P          listen on port P (normal mode: overrides the config's port; fixture default 5000)
              --fixture FILE    serve a data file of the TAXII 2.1 reference server (medallion) read-only, with the
                                HTTP Basic users of the config.json beside it; plain HTTP on --host (default 127.0.0.1)
              hash-password     read a password (twice on a terminal, once from standard input otherwise) and print
                                its salted PBKDF2 hash for a user's "password_hash"
              new-token         print a new random bearer token and the hash to put in a user's "token_hashes"

            The server runs until Ctrl-C.
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;

    public TaxiiCommand(PrintStream out, PrintStream err, InputStream in) {
        this.out = out;
        this.err = err;
        this.in = in;
    }

    /** The standalone server jar's entry point ({@code bin/vigil taxii} goes through VigilCli instead). */
    public static void main(String[] args) {
        if (System.getProperty("log4j2.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "log4j2-taxii.properties");
        }
        System.exit(new TaxiiCommand(System.out, System.err, System.in).run(Arrays.asList(args)));
    }

    /** Runs the command; a server runs until the process is interrupted. Returns the exit code. */
    public int run(List<String> arguments) {
        List<String> args = new ArrayList<>(arguments);
        if (args.contains("--help") || args.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        try {
            if (!args.isEmpty() && args.get(0).equals("hash-password")) {
                args.remove(0);
                int iterations = Integer.parseInt(option(args, "--iterations",
                        Integer.toString(PasswordHash.DEFAULT_ITERATIONS)));
                rejectRest(args);
                return hashPassword(iterations);
            }
            if (!args.isEmpty() && args.get(0).equals("new-token")) {
                args.remove(0);
                rejectRest(args);
                String token = PasswordHash.newToken();
                out.println("token (give it to the client; it is not stored): " + token);
                out.println("token_hashes entry:                              " + PasswordHash.tokenHash(token));
                return 0;
            }
            TaxiiServer server = start(args);
            out.println("vigil taxii: serving " + server.discoveryUri() + " (API root " + server.apiRootUri()
                    + "); Ctrl-C stops it");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stopped.countDown();
            }, "taxii-shutdown"));
            stopped.await();
            return 0;
        } catch (IllegalArgumentException | IllegalStateException | UncheckedIOException e) {
            err.println("vigil taxii: " + e.getMessage() + "\n\n" + USAGE);
            return 2;
        } catch (IOException e) {
            err.println("vigil taxii: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Starts the server the arguments describe (fixture or config mode) and returns it running. */
    public static TaxiiServer start(List<String> arguments) throws IOException {
        List<String> args = new ArrayList<>(arguments);
        String fixture = option(args, "--fixture", null);
        String config = option(args, "--config", null);
        String port = option(args, "--port", null);
        if (fixture != null) {
            String host = option(args, "--host", "127.0.0.1");
            rejectRest(args);
            if (config != null) {
                throw new IllegalArgumentException("--fixture and --config exclude each other");
            }
            Path file = Path.of(fixture);
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("no fixture file at " + file.toAbsolutePath());
            }
            return TaxiiServer.startFixture(file, host, port == null ? 5000 : Integer.parseInt(port));
        }
        if (config == null) {
            throw new IllegalArgumentException("give --config FILE (or --fixture FILE)");
        }
        boolean insecure = args.remove("--insecure-http");
        rejectRest(args);
        TaxiiServerConfig settings = TaxiiServerConfig.read(Path.of(config), System::getenv);
        if (port != null) {
            settings = settings.withPort(Integer.parseInt(port));
        }
        if (insecure) {
            settings = settings.withInsecureHttp();
        }
        return TaxiiServer.start(settings);
    }

    private int hashPassword(int iterations) throws IOException {
        char[] password;
        Console console = System.console();
        if (console != null && in == System.in) {
            password = console.readPassword("password: ");
            char[] again = console.readPassword("again:    ");
            if (password == null || !Arrays.equals(password, again)) {
                err.println("vigil taxii hash-password: the two passwords differ; nothing printed");
                return 1;
            }
        } else {
            String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? null : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            err.println("vigil taxii hash-password: no password given on standard input");
            return 1;
        }
        out.println(PasswordHash.hash(password, iterations));
        return 0;
    }

    private static String option(List<String> args, String name, String defaultValue) {
        int i = args.indexOf(name);
        if (i < 0) {
            return defaultValue;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }

    private static void rejectRest(List<String> rest) {
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("unexpected arguments " + rest);
        }
    }
}
