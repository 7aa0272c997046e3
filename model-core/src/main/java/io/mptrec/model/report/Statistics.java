package io.mptrec.model.report;

import io.mptrec.model.report.ContributionReport.Histogram;
import io.mptrec.model.report.ContributionReport.Quantiles;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** The small statistics a contribution report needs. */
final class Statistics {

    private Statistics() {
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? 0 : sum / values.length;
    }

    /** Type-7 quantile (linear interpolation between order statistics) of sorted values. */
    static double quantile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        double h = (sorted.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    static Quantiles quantiles(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        return new Quantiles(quantile(s, 0.05), quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75), quantile(s, 0.95));
    }

    static Histogram histogram(double[] values, double min, double max, int bins) {
        int[] counts = new int[bins];
        for (double v : values) {
            int b = (int) Math.floor((v - min) / (max - min) * bins);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return new Histogram(min, max, Arrays.stream(counts).boxed().toList());
    }

    /** 1-based ranks by descending value, ties broken by name (so ranks are a permutation). */
    static int[] ranks(double[] values, List<String> names) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -values[i]).thenComparing(names::get));
        int[] ranks = new int[values.length];
        for (int r = 0; r < order.length; r++) {
            ranks[order[r]] = r + 1;
        }
        return ranks;
    }

    /** Average ranks (ties share the mean of their positions), ascending. */
    static double[] averageRanks(double[] values) {
        Integer[] order = IntStream.range(0, values.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; ) {
            int j = i;
            while (j + 1 < order.length && values[order[j + 1]] == values[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                ranks[order[k]] = rank;
            }
            i = j + 1;
        }
        return ranks;
    }

    /** Spearman's rank correlation: Pearson's correlation of the average ranks; 0 when either side is constant. */
    static double spearman(double[] a, double[] b) {
        double[] ra = averageRanks(a);
        double[] rb = averageRanks(b);
        double ma = mean(ra);
        double mb = mean(rb);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < ra.length; i++) {
            cov += (ra[i] - ma) * (rb[i] - mb);
            va += (ra[i] - ma) * (ra[i] - ma);
            vb += (rb[i] - mb) * (rb[i] - mb);
        }
        return va == 0 || vb == 0 ? 0 : cov / Math.sqrt(va * vb);
    }
}
