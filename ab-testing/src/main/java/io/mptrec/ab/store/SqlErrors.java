package io.mptrec.ab.store;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What a database failure says about itself, read through the cause chain and each SQLException's next ones. */
public final class SqlErrors {

    private SqlErrors() {
    }

    /** The failure and its causes, each once. */
    public static Stream<Throwable> chain(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain.stream();
    }

    /** The first SQLSTATE in the cause chain (and each SQLException's next exceptions), or null. */
    public static String sqlState(Throwable e) {
        return chain(e).filter(t -> t instanceof SQLException).map(t -> (SQLException) t)
                .flatMap(sql -> {
                    List<String> states = new ArrayList<>();
                    for (SQLException n = sql; n != null; n = n.getNextException()) {
                        states.add(n.getSQLState());
                    }
                    return states.stream();
                })
                .filter(state -> state != null).findFirst().orElse(null);
    }

    /**
     * Whether the database refused the rows for their data (SQLSTATE class 22, data exception, or 23, integrity
     * constraint): storing them again can never succeed, unlike a lost connection or a database that is down.
     */
    public static boolean refusedData(Throwable e) {
        String state = sqlState(e);
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }
}
