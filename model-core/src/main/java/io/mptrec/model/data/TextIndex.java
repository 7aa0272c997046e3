package io.mptrec.model.data;

import java.util.Arrays;
import java.util.List;

/**
 * Words to numbers, looked up by a range of a character array, so that a value inside a {@link TextColumn} needs no
 * string of its own. Open addressing over the words' {@link String#hashCode}, which is
 * what {@link #hash} gives for the same characters in an array. Immutable.
 */
final class TextIndex {

    private final String[] words;
    private final char[][] wordChars;
    private final int[] numbers;
    private final int mask;
    /** The shortest and the longest word: a value of another length is none of them, without hashing it. */
    private final int minLength;
    private final int maxLength;

    /** Word i gets the number {@code first + i}; a repeated word the number of its last place, as a map's put. */
    TextIndex(List<String> words, int first) {
        int capacity = Integer.highestOneBit(Math.max(4, words.size() * 2) - 1) << 1;
        this.words = new String[capacity];
        this.wordChars = new char[capacity][];
        this.numbers = new int[capacity];
        this.mask = capacity - 1;
        this.minLength = words.stream().mapToInt(String::length).min().orElse(Integer.MAX_VALUE);
        this.maxLength = words.stream().mapToInt(String::length).max().orElse(-1);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            int slot = spread(word.hashCode()) & mask;
            while (this.words[slot] != null && !this.words[slot].equals(word)) {
                slot = (slot + 1) & mask;
            }
            this.words[slot] = word;
            this.wordChars[slot] = word.toCharArray();
            this.numbers[slot] = first + i;
        }
    }

    /** {@link String#hashCode} of the characters {@code text[from, to)}, computed once for several lookups. */
    static int hash(char[] text, int from, int to) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + text[i];
        }
        return hash;
    }

    /**
     * The number of the characters {@code text[from, to)}, whose {@link #hash} is given, or {@code absent} when they
     * are none of the words.
     */
    int get(char[] text, int from, int to, int hash, int absent) {
        int length = to - from;
        if (length < minLength || length > maxLength) {
            return absent;
        }
        for (int slot = spread(hash) & mask; words[slot] != null; slot = (slot + 1) & mask) {
            if (words[slot].hashCode() == hash && Arrays.equals(wordChars[slot], 0, wordChars[slot].length, text, from, to)) {
                return numbers[slot];
            }
        }
        return absent;
    }

    /**
     * As {@link #get(char[], int, int, int, int)} for a single lookup: a value of no word's length is refused before it
     * is hashed (most values, against the missing tokens).
     */
    int get(char[] text, int from, int to, int absent) {
        int length = to - from;
        return length < minLength || length > maxLength ? absent : get(text, from, to, hash(text, from, to), absent);
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
