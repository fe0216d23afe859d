package dev.cdc.mysql;

import dev.cdc.base.Failure;
import dev.cdc.db.Table;
import org.jdbi.v3.core.Handle;

/**
 * What a MySQL/MariaDB server refuses a setup, said in one line with what to grant. The rights are
 * not predicted from the catalog (roles, wildcards and MySQL's and MariaDB's different privilege
 * names make that guesswork): setup tries, and what it made before the refusal is removed.
 */
final class MySqlRights {
    /** ER_BINLOG_CREATE_ROUTINE_NEED_SUPER: a binary log, and no trust in trigger creators. */
    private static final int BINLOG_NEEDS_SUPER = 1419;
    /** ER_DBACCESS_DENIED_ERROR, ER_TABLEACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR, ER_ACCESS_DENIED_NO_PASSWORD_ERROR. */
    private static final java.util.Set<Integer> DENIED = java.util.Set.of(1044, 1142, 1227, 1698);

    private MySqlRights() {
    }

    /** The refusal as a {@link Failure} saying what to grant; any other error as it is. */
    static RuntimeException explain(Handle h, RuntimeException e, Table t, String after) {
        int code = code(e);
        if (code == BINLOG_NEEDS_SUPER) {
            return Failure.precondition("the MySQL server writes a binary log (log_bin is ON), and then only a user with "
                    + "SUPER may create triggers unless log_bin_trust_function_creators is ON: SET GLOBAL "
                    + "log_bin_trust_function_creators = 1 (and in the server's configuration, to outlive a restart), or "
                    + "run setup as a user with SUPER" + after);
        }
        if (DENIED.contains(code)) {
            String user = h.createQuery("SELECT CURRENT_USER()").mapTo(String.class).one();
            int at = user.lastIndexOf('@');
            String grantee = MySqlCapture.literal(user.substring(0, at)) + "@" + MySqlCapture.literal(user.substring(at + 1));
            String schema = MySqlCapture.ident(t.schema());
            return Failure.precondition("user " + grantee + " may not do what setup needs (the server said: "
                    + dev.cdc.db.Db.rootMessage(e) + "): setup makes the changelog and the TRIGGERs beside the table and "
                    + "keeps its cursor in database cdc, so it needs CREATE, DROP, TRIGGER, SELECT, INSERT, UPDATE and "
                    + "DELETE on database " + t.schema() + " and all privileges on database cdc (GRANT CREATE, DROP, "
                    + "TRIGGER, SELECT, INSERT, UPDATE, DELETE ON " + schema + ".* TO " + grantee + "; GRANT ALL "
                    + "PRIVILEGES ON cdc.* TO " + grantee + ")" + after);
        }
        return e;
    }

    /** A refused GRANT of a role's rights: what the setup user lacks, and the statements to run instead. */
    static RuntimeException cannotGrant(RuntimeException e, String role, java.util.List<String> grants) {
        if (!DENIED.contains(code(e))) {
            return e;
        }
        return Failure.precondition("cannot give " + role + " its rights (the server said: " + dev.cdc.db.Db.rootMessage(e)
                + "): the user running setup needs them WITH GRANT OPTION; or run as an administrator: "
                + String.join("; ", grants));
    }

    /**
     * Runs the steps {@code steps} gives, in order, until one fails; the rest are skipped (a changelog
     * is not dropped under triggers that could not be, which would then fail every write). Returns
     * whether all ran.
     */
    static boolean untilOneFails(java.util.function.Consumer<java.util.function.Consumer<Runnable>> steps) {
        boolean[] failed = {false};
        steps.accept(step -> {
            if (!failed[0]) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    failed[0] = true; // the rest is left for cdc teardown
                }
            }
        });
        return !failed[0];
    }

    private static int code(Throwable e) {
        return dev.cdc.db.Db.errorCode(e);
    }
}
