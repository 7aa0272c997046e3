package io.mptrec.kernel.problem;

import jakarta.persistence.PersistenceException;
import jakarta.persistence.PessimisticLockException;
import jakarta.transaction.RollbackException;
import org.hibernate.exception.ConstraintViolationException;
import org.hibernate.exception.LockAcquisitionException;
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

    /**
     * A change waits for a concurrent one's row (the task's serving stamp): the database may end that wait (a
     * deadlock, a lock timeout), and the loser is a concurrent change like any other, not a server failure.
     */
    @Test
    void shouldAnswerAnEndedLockWaitAsAConcurrentChange() {
        LockAcquisitionException deadlock = new LockAcquisitionException("could not execute statement",
                new SQLException("deadlock detected", "40P01"));
        Problem problem = ProblemMappers.conflict(new PessimisticLockException(deadlock));

        assertThat(problem.status()).isEqualTo(409);
        assertThat(problem.type()).endsWith("concurrent-change");
        assertThat(ProblemMappers.conflict(new RuntimeException(deadlock)).status()).isEqualTo(409);
    }
}
