package io.vxmesh.proxy.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The header fields of an HTTP/1 head, in the order they arrived: an immutable multimap whose names
 * compare case-insensitively (ASCII). Names and values are kept as received (bytes as ISO-8859-1),
 * values without their surrounding whitespace.
 */
public final class Headers {

  /** One header field line. */
  public record Field(String name, String value) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  private static final Headers EMPTY = new Headers(List.of());

  private final List<Field> fields;

  private Headers(List<Field> fields) {
    this.fields = fields;
  }

  public static Headers of(List<Field> fields) {
    return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
  }

  /** Builds from alternating names and values: {@code of("Host", "a", "Accept", "*\/*")}. */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    List<Field> list = new ArrayList<>(namesAndValues.length / 2);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      list.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
    }
    return of(list);
  }

  /** Every field, in arrival order. */
  public List<Field> fields() {
    return fields;
  }

  public int size() {
    return fields.size();
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** The first value of {@code name}, or null when there is none. */
  public String get(String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return f.value();
      }
    }
    return null;
  }

  /** Every value of {@code name} in arrival order (empty when there is none). */
  public List<String> getAll(String name) {
    List<String> values = new ArrayList<>(2);
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        values.add(f.value());
      }
    }
    return List.copyOf(values);
  }

  public boolean contains(String name) {
    return get(name) != null;
  }

  /** How many field lines carry {@code name}. */
  public int count(String name) {
    int n = 0;
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Whether the comma-separated list values of {@code name} (over all its lines) contain
   * {@code token}, compared case-insensitively: {@code Connection: keep-alive, Upgrade}.
   */
  public boolean hasToken(String name, String token) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        for (String t : f.value().split(",", -1)) {
          if (t.strip().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && h.fields.equals(fields);
  }

  @Override
  public int hashCode() {
    return fields.hashCode();
  }

  @Override
  public String toString() {
    return fields.toString();
  }
}
