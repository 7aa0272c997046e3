package io.mptrec.ab.results.service;

import jakarta.persistence.EntityManager;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/** The results' aggregate SQL, read the same way by the results and the time series: rows of numbers. */
final class NativeRows {

    private NativeRows() {
    }

    /** The rows of a native query with positional parameters ?1, ?2, ... */
    @SuppressWarnings("unchecked")
    static List<Object[]> rows(EntityManager em, String sql, Object... params) {
        var q = em.createNativeQuery(sql);
        for (int i = 0; i < params.length; i++) {
            q.setParameter(i + 1, params[i]);
        }
        return q.getResultList();
    }

    /** An aggregate as a long; an empty SUM (null) is 0. */
    static long lng(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    /** An aggregate as an exact number (a NUMERIC sum as it is stored); an empty SUM (null) is 0. */
    static BigDecimal dec(Object o) {
        if (o == null) {
            return BigDecimal.ZERO;
        }
        if (o instanceof BigDecimal d) {
            return d;
        }
        if (o instanceof Double || o instanceof Float) {
            return new BigDecimal(((Number) o).doubleValue());
        }
        return o instanceof BigInteger i ? new BigDecimal(i) : BigDecimal.valueOf(((Number) o).longValue());
    }

    /** An aggregate as a double; an empty SUM (null) is 0. */
    static double dbl(Object o) {
        return o == null ? 0 : ((Number) o).doubleValue();
    }
}
