package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.io.PrintStream;
import java.util.List;

/** A plain text table: the first row is the header, columns padded to their widest cell. */
final class Table {
    private Table() {
    }

    static void print(final List<String[]> rows, final PrintStream out) {
        final int columns = rows.get(0).length;
        final int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], row[i] == null ? 1 : row[i].length());
            }
        }
        for (String[] row : rows) {
            final StringBuilder line = new StringBuilder(" ");
            for (int i = 0; i < columns; i++) {
                final String cell = row[i] == null ? "-" : row[i];
                line.append(' ').append(cell);
                if (i < columns - 1) {
                    line.append(" ".repeat(width[i] - cell.length() + 1));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
