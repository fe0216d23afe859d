package dev.cdc.db;

import dev.cdc.base.Failure;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jdbi.v3.core.ConnectionException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.TemplateEngine;
import org.jdbi.v3.core.Jdbi;

/**
 * One database the tool talks to (the source or the target): where it is, how to log in, the
 * options of every connection to it, and how to say in one line what went wrong with it. The
 * password is never printed. PostgreSQL ({@code jdbc:postgresql:}) or MySQL/MariaDB
 * ({@code jdbc:mysql:}, {@code jdbc:mariadb:}, both through MariaDB's driver).
 */
public final class Db {
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)((?:password|sslpassword)=)[^&]*");

    private final String role;
    private final String url;
    private final String user;
    private final String password;

    public Db(String role, String url, String user, String password) {
        this.role = role;
        this.url = url;
        this.user = user;
        this.password = password;
    }

    public String role() {
        return role;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The password, for a child process's environment; never for printing. */
    public String password() {
        return password;
    }

    /** "source database jdbc:postgresql://host:5433/db", with any password in the URL masked. */
    public String where() {
        return role + " database " + mask(url);
    }

    public static String mask(String url) {
        return SECRET_PARAM.matcher(url).replaceAll("$1***");
    }

    /** Whether this is a MySQL or MariaDB database (by its URL). */
    public boolean isMySql() {
        return url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:");
    }

    /**
     * A new JDBC connection, its session set up by {@code sql/session.sql} (PostgreSQL) or
     * {@code sql/mysql/session.sql} (MySQL and MariaDB, through MariaDB's driver: a
     * {@code jdbc:mysql:} URL is read as {@code jdbc:mariadb:}); a failure becomes a
     * {@link Failure} naming this database.
     */
    public Connection connect(String applicationName) {
        boolean mysql = isMySql();
        if (!mysql) {
            requirePostgresUrl();
        }
        Properties p = new Properties();
        if (user != null && !user.isEmpty()) {
            p.setProperty("user", user);
        }
        if (password != null && !password.isEmpty()) {
            p.setProperty("password", password);
        }
        p.setProperty(mysql ? "connectionAttributes" : "ApplicationName", (mysql ? "program_name:" : "") + applicationName);
        p.setProperty("connectTimeout", mysql ? "10000" : "10"); // ms / s: 10 s either way
        p.setProperty("socketTimeout", mysql ? "300000" : "300");
        p.setProperty("tcpKeepAlive", "true");
        try {
            Connection c = DriverManager.getConnection(mysql ? url.replaceFirst("^jdbc:mysql:", "jdbc:mariadb:") : url, p);
            try (var s = c.createStatement()) {
                String session = Sql.load(mysql ? "mysql/session.sql" : "session.sql");
                // MySQL takes one statement per call: the file's statements end a line with ';'
                for (String statement : mysql ? session.split(";\\s*\\n") : new String[] {session}) {
                    if (!statement.isBlank()) {
                        s.execute(statement);
                    }
                }
                if (mysql) {
                    logRowsWhereNeeded(s);
                }
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        } catch (SQLException e) {
            throw explain(e);
        }
    }

    /**
     * MySQL/MariaDB: a binary log in STATEMENT format would make InnoDB refuse every write of this
     * session (it reads at READ COMMITTED): the session logs MIXED instead, or, without the right
     * to, a {@link Failure} says what to set on the server.
     */
    private void logRowsWhereNeeded(java.sql.Statement s) throws SQLException {
        try (var rs = s.executeQuery(Sql.load("mysql/binlog_statement.sql"))) {
            if (!rs.next() || !rs.getBoolean(1)) {
                return;
            }
        }
        try {
            s.execute(Sql.load("mysql/binlog_mixed.sql"));
        } catch (SQLException e) {
            throw Failure.precondition("the " + where() + " writes its binary log in STATEMENT format, in which InnoDB "
                    + "refuses the writes cdc makes (at READ COMMITTED), and user " + user + " may not log its own "
                    + "sessions otherwise (" + e.getMessage() + "); on the server: SET GLOBAL binlog_format = 'MIXED' "
                    + "(or 'ROW'), and binlog_format=MIXED in its configuration");
        }
    }

    /** The URL must be PostgreSQL's (jdbc:postgresql:), the one kind of database cdc speaks so far. */
    public void requirePostgresUrl() {
        if (!url.startsWith("jdbc:postgresql:")) {
            throw Failure.usage("not a PostgreSQL JDBC URL for the " + role + " database: " + mask(url)
                    + " (expected jdbc:postgresql://host:port/database)");
        }
    }

    /**
     * A Jdbi handle on a new connection; closing the handle closes the connection. Statements reach
     * the database exactly as written: parameters found by {@link StatementParser}, and no
     * templating (Jdbi's {@code <name>} templates drop backslashes the way its parser does).
     */
    public Handle open(String applicationName) {
        Connection c = connect(applicationName);
        return Jdbi.create(() -> c).setSqlParser(StatementParser.INSTANCE).setTemplateEngine(TemplateEngine.NOP).open();
    }

    /** Runs {@code work} on a new connection; an error becomes a {@link Failure} saying what failed, and where. */
    public <T> T run(String doing, java.util.function.Function<Handle, T> work) {
        try (Handle h = open("cdc-" + doing)) {
            return work.apply(h);
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw failed(doing, e);
        }
    }

    /**
     * Runs {@code work} on a connection the caller holds; an error is explained as in
     * {@link #explain} (a right missing, the database away), anything else passes as it is.
     */
    public <T> T explaining(Supplier<T> work) {
        try {
            return work.get();
        } catch (Failure f) {
            throw f;
        } catch (RuntimeException e) {
            throw explain(e);
        }
    }

    /** Whether the server of {@code h} is at least that version ({@code 150000}: PostgreSQL 15). */
    public static boolean serverAtLeast(Handle h, int versionNum) {
        return h.createQuery(Sql.load("catalog/server_at_least.sql")).bind("v", versionNum)
                .mapTo(Boolean.class).one();
    }

    /** Whether the session's user is a superuser (who alone may create event triggers). */
    public static boolean isSuperuser(Handle h) {
        return h.createQuery(Sql.load("catalog/is_superuser.sql")).mapTo(Boolean.class).one();
    }

    /** Whether a table ("schema.name") exists. */
    public static boolean relationExists(Handle h, String name) {
        return h.createQuery(Sql.load("catalog/relation_exists.sql")).bind("name", name).mapTo(Boolean.class).one();
    }

    /** The user lacks rights cdc needs here: what is missing, and the setup option that grants it. */
    public Failure lacksRights(String what) {
        return Failure.precondition("user '" + user + "' on the " + where() + ": " + what + " (cdc setup --"
                + (role.equals("source") ? "producer" : "consumer") + "-role " + user
                + " grants what cdc needs; see the README's Rights)");
    }

    /** SQLSTATE of "permission denied". */
    public static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** Turns a connection-level error into one line naming this database; anything else as is. */
    public RuntimeException explain(Throwable e) {
        String state = sqlState(e);
        if (INSUFFICIENT_PRIVILEGE.equals(state)) {
            return lacksRights(rootMessage(e));
        }
        if ("28P01".equals(state) || "28000".equals(state)) {
            return Failure.unreachable("cannot log in to the " + where() + " as user '" + user + "': "
                    + "authentication failed", e);
        }
        if ("3D000".equals(state)) {
            return Failure.unreachable("the " + where() + " does not exist", e);
        }
        if (isMySql() && errorCode(e) == MYSQL_DATABASE_DENIED && rootMessage(e).contains("to database '" + urlDatabase() + "'")) {
            return Failure.precondition("user '" + user + "' may not use the database named in the URL of the " + where()
                    + " (" + rootMessage(e) + "): name one it may use, or none (jdbc:mariadb://host:port/)");
        }
        if (isTransient(e)) {
            return Failure.unreachable("cannot reach the " + where() + ": " + rootMessage(e), e);
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }

    /** An error while doing something on this database, as one line. */
    public Failure failed(String doing, Throwable e) {
        RuntimeException r = explain(e);
        return r instanceof Failure f ? f
                : Failure.precondition(doing + " on the " + where() + " failed: " + rootMessage(e));
    }

    /** The database the URL names (its path), or "" when none. */
    private String urlDatabase() {
        String rest = url.replaceFirst("^jdbc:[a-z]+://[^/]*/?", "");
        int q = rest.indexOf('?');
        return q < 0 ? rest : rest.substring(0, q);
    }

    /** MySQL's ER_DBACCESS_DENIED_ERROR: the user may not use that database. */
    private static final int MYSQL_DATABASE_DENIED = 1044;

    /** The vendor's error code of the first SQLException in the cause chain, or 0. */
    public static int errorCode(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return s.getErrorCode();
            }
        }
        return 0;
    }

    /** The SQLState of the first SQLException in the cause chain, or null. */
    public static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /**
     * True for errors that go away by themselves: the server restarting, a dropped connection, a
     * refused connection, too many clients, a serialization failure or a deadlock.
     */
    public static boolean isTransient(Throwable e) {
        String state = sqlState(e);
        if (state != null) {
            return state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                    || state.equals("40001") || state.equals("40P01");
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof SocketException
                    || t instanceof UnknownHostException || t instanceof ConnectionException) {
                return true;
            }
        }
        return false;
    }

    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
