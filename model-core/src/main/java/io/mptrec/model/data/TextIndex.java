package io.mptrec.model.data;

import java.util.List;

/**
 * Words to numbers, looked up by a range of a string's characters, so that a value inside a {@link TextColumn} needs
 * no string of its own. Open addressing over the words' {@link String#hashCode}, which is what the range's characters
 * hash to. Immutable.
 */
final class TextIndex {

    private final String[] words;
    private final int[] numbers;
    private final int mask;

    /** Word i gets the number {@code first + i}; a repeated word the number of its last place, as a map's put. */
    TextIndex(List<String> words, int first) {
        int capacity = Integer.highestOneBit(Math.max(4, words.size() * 2) - 1) << 1;
        this.words = new String[capacity];
        this.numbers = new int[capacity];
        this.mask = capacity - 1;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            int slot = spread(word.hashCode()) & mask;
            while (this.words[slot] != null && !this.words[slot].equals(word)) {
                slot = (slot + 1) & mask;
            }
            this.words[slot] = word;
            this.numbers[slot] = first + i;
        }
    }

    /** The number of {@code text[from, to)}, or {@code absent} when it is none of the words. */
    int get(String text, int from, int to, int absent) {
        int hash = 0;
        for (int i = from; i < to; i++) {
            hash = 31 * hash + text.charAt(i);
        }
        int length = to - from;
        for (int slot = spread(hash) & mask; words[slot] != null; slot = (slot + 1) & mask) {
            String word = words[slot];
            if (word.length() == length && word.hashCode() == hash && text.regionMatches(from, word, 0, length)) {
                return numbers[slot];
            }
        }
        return absent;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }
}
