package dev.prepaid.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run's results: a JSON document (bench/target/bench-results.json) and a summary table. */
final class Report {
    record Row(String benchmark, String figure, String value, String reference, String note) {
    }

    final ObjectNode root = Stack.MAPPER.createObjectNode();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    ObjectNode section(String name) {
        return root.putObject(name);
    }

    void row(String benchmark, String figure, String value, String reference, String note) {
        rows.add(new Row(benchmark, figure, value, reference, note));
    }

    /** Something the run proved wrong (an overdraft, stripe-java in deduct-credits): the run exits non-zero. */
    void problem(String text) {
        problems.add(text);
    }

    List<String> problems() {
        return problems;
    }

    void write(Path file) {
        try {
            root.putPOJO("problems", problems);
            Files.createDirectories(file.getParent());
            Files.writeString(file, Stack.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void print(PrintStream out) {
        String[] head = {"benchmark", "figure", "value", "reference / target", "note"};
        int[] width = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            width[i] = head[i].length();
        }
        for (Row row : rows) {
            String[] cells = cells(row);
            for (int i = 0; i < cells.length; i++) {
                width[i] = Math.max(width[i], cells[i].length());
            }
        }
        out.println(line(head, width));
        StringBuilder rule = new StringBuilder("|");
        for (int w : width) {
            rule.append("-".repeat(w + 2)).append('|');
        }
        out.println(rule);
        for (Row row : rows) {
            out.println(line(cells(row), width));
        }
        for (String problem : problems) {
            out.println("PROBLEM: " + problem);
        }
    }

    private static String[] cells(Row row) {
        return new String[] {row.benchmark(), row.figure(), row.value(), row.reference(), row.note()};
    }

    private static String line(String[] cells, int[] width) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            b.append(' ').append(cells[i]).append(" ".repeat(width[i] - cells[i].length())).append(" |");
        }
        return b.toString();
    }
}
