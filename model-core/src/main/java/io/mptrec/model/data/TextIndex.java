package io.mptrec.model.data;

import java.util.Arrays;
import java.util.List;

/**
 * Words to numbers, looked up by a range of a character array, so that a value inside a {@link TextColumn} needs no
 * string of its own. Open addressing over the words' {@link String#hashCode}, which is
 * what {@link #hash} gives for the same characters in an array. Immutable.
 */
final class TextIndex {

    /** The words' characters by slot, null where the slot is empty; their hashes and numbers in the same slots. */
    private final char[][] wordChars;
    private final int[] hashes;
    private final int[] numbers;
    private final int mask;
    /** The shortest and the longest word: a value of another length is none of them, without hashing it. */
    private final int minLength;
    private final int maxLength;

    /** Word i gets the number {@code first + i}; a repeated word the number of its last place, as a map's put. */
    TextIndex(List<String> words, int first) {
        this(words, first, List.of());
    }

    /**
     * As {@link #TextIndex(List, int)}, then each of {@code zeros} gets the number 0 (after the words: a word that is
     * also one of them gets 0): a vocabulary and the missing tokens in one lookup.
     */
    TextIndex(List<String> words, int first, List<String> zeros) {
        int count = words.size() + zeros.size();
        int capacity = Integer.highestOneBit(Math.max(4, count * 2) - 1) << 1;
        this.wordChars = new char[capacity][];
        this.hashes = new int[capacity];
        this.numbers = new int[capacity];
        this.mask = capacity - 1;
        int min = Integer.MAX_VALUE;
        int max = -1;
        for (int i = 0; i < count; i++) {
            String word = i < words.size() ? words.get(i) : zeros.get(i - words.size());
            char[] chars = word.toCharArray();
            int hash = word.hashCode();
            int slot = spread(hash) & mask;
            while (wordChars[slot] != null && !Arrays.equals(wordChars[slot], chars)) {
                slot = (slot + 1) & mask;
            }
            wordChars[slot] = chars;
            hashes[slot] = hash;
            numbers[slot] = i < words.size() ? first + i : 0;
            min = Math.min(min, chars.length);
            max = Math.max(max, chars.length);
        }
        this.minLength = min;
        this.maxLength = max;
    }

    /**
     * {@link String#hashCode} of the characters {@code text[from, to)}, computed once for several lookups. Four
     * characters a step, h 31^4 + (c0 31^3 + c1 31^2 + c2 31 + c3): the same sum as one at a time, with one
     * multiplication on the running hash per four characters instead of one per character.
     */
    static int hash(char[] text, int from, int to) {
        int hash = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            hash = 923521 * hash + 29791 * text[i] + 961 * text[i + 1] + 31 * text[i + 2] + text[i + 3];
        }
        for (; i < to; i++) {
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
        for (int slot = spread(hash) & mask; wordChars[slot] != null; slot = (slot + 1) & mask) {
            if (hashes[slot] == hash && Arrays.equals(wordChars[slot], 0, wordChars[slot].length, text, from, to)) {
                return numbers[slot];
            }
        }
        return absent;
    }

    /**
     * As {@link #get(char[], int, int, int, int)} for a single lookup: a value of no word's length is refused before it
     * is hashed.
     */
    int get(char[] text, int from, int to, int absent) {
        int length = to - from;
        return length < minLength || length > maxLength ? absent : get(text, from, to, hash(text, from, to), absent);
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
