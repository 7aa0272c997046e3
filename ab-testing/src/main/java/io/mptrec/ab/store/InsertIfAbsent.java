package io.mptrec.ab.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;

/**
 * One batched insert of rows that may already be stored (a retried KPI batch, a re-sent covariate file), counting only
 * the new ones. The statement comes in two dialects with the same parameters: PostgreSQL's
 * {@code INSERT ... ON CONFLICT DO NOTHING} and the standard {@code MERGE ... WHEN NOT MATCHED THEN INSERT} that H2
 * runs; the connection says which database it is, so one code path serves both.
 */
public record InsertIfAbsent(String postgresql, String standard) {

    /** Sets one row's parameters on the statement. */
    @FunctionalInterface
    public interface Binder<T> {
        void bind(PreparedStatement statement, T row) throws SQLException;
    }

    /** Inserts {@code rows} in their iteration order on a connection of {@code dataSource}; returns how many were new. */
    public <T> int run(DataSource dataSource, Collection<T> rows, Binder<T> binder) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(isPostgresql(c) ? postgresql : standard)) {
            for (T row : rows) {
                binder.bind(s, row);
                s.addBatch();
            }
            int stored = 0;
            for (int n : s.executeBatch()) {
                stored += n == PreparedStatement.SUCCESS_NO_INFO ? 1 : n;
            }
            return stored;
        }
    }

    private static boolean isPostgresql(Connection c) throws SQLException {
        return c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
    }
}
