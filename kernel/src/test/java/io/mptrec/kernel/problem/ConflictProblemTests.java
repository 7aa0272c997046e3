package io.mptrec.kernel.problem;

import jakarta.persistence.PersistenceException;
import jakarta.transaction.RollbackException;
import org.hibernate.exception.ConstraintViolationException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class ConflictProblemTests {

    /** A change that lost a race on a unique constraint is a 409 in words: the database's constraint name stays out. */
    @Test
    void shouldAnswerAConstraintRaceWithoutTheDatabasesNames() {
        ConstraintViolationException violation = new ConstraintViolationException("unique index violated",
                new SQLException("Unique index or primary key violation"), "PUBLIC.UK_PROMPT_VERSION_NUMBER_INDEX_7");
        // at commit it arrives wrapped twice, as the transaction manager and the interceptor hand it on
        RuntimeException atCommit = new RuntimeException(new RollbackException("rolled back"));
        atCommit.getCause().initCause(new PersistenceException(violation));

        Problem problem = ProblemMappers.conflict(atCommit);

        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.detail()).isEqualTo("the change conflicts with one committed concurrently; reload and retry")
                .doesNotContain("UK_").doesNotContain("PUBLIC");
        assertThat(ProblemMappers.conflict(new IllegalStateException("something else"))).isNull();
    }
}
