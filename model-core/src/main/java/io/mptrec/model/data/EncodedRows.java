package io.mptrec.model.data;

public record EncodedRows(int rows, int numericFields, int categoricalFields, float[] numeric, int[] categories) {}
