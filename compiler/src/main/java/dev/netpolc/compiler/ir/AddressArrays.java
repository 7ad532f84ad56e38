package dev.netpolc.compiler.ir;

/**
 * Sorting and searching IPv6 addresses held as two parallel primitive arrays (high and low 64
 * bits), in {@link dev.netpolc.model.IpAddress} order (unsigned, high half first): sets of
 * 100,000 addresses are sorted without an object or a comparator call per address.
 */
public final class AddressArrays {
  private static final int INSERTION_LIMIT = 24;

  private AddressArrays() {}

  /** Sorts the first {@code n} pairs {@code (hi[i], lo[i])} ascending. */
  public static void sort(long[] hi, long[] lo, int n) {
    quicksort(hi, lo, 0, n - 1);
  }

  /** The index of pair {@code (h, l)} among the first {@code n} sorted pairs, or -1. */
  public static int search(long[] hi, long[] lo, int n, long h, long l) {
    int a = 0;
    int b = n - 1;
    while (a <= b) {
      int m = (a + b) >>> 1;
      int c = compare(hi[m], lo[m], h, l);
      if (c < 0) {
        a = m + 1;
      } else if (c > 0) {
        b = m - 1;
      } else {
        return m;
      }
    }
    return -1;
  }

  /** Unsigned comparison of two 128-bit values given as (high, low) halves. */
  public static int compare(long h1, long l1, long h2, long l2) {
    int c = Long.compareUnsigned(h1, h2);
    return c != 0 ? c : Long.compareUnsigned(l1, l2);
  }

  private static void quicksort(long[] hi, long[] lo, int from, int to) {
    while (to - from >= INSERTION_LIMIT) {
      int mid = (from + to) >>> 1;
      // Median of three as the pivot; a three-way partition, so repeated pairs cost nothing extra.
      if (compare(hi[mid], lo[mid], hi[from], lo[from]) < 0) {
        swap(hi, lo, mid, from);
      }
      if (compare(hi[to], lo[to], hi[from], lo[from]) < 0) {
        swap(hi, lo, to, from);
      }
      if (compare(hi[to], lo[to], hi[mid], lo[mid]) < 0) {
        swap(hi, lo, to, mid);
      }
      long ph = hi[mid];
      long pl = lo[mid];
      int lt = from;
      int gt = to;
      int i = from;
      while (i <= gt) {
        int c = compare(hi[i], lo[i], ph, pl);
        if (c < 0) {
          swap(hi, lo, lt++, i++);
        } else if (c > 0) {
          swap(hi, lo, i, gt--);
        } else {
          i++;
        }
      }
      // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
      if (lt - from < to - gt) {
        quicksort(hi, lo, from, lt - 1);
        from = gt + 1;
      } else {
        quicksort(hi, lo, gt + 1, to);
        to = lt - 1;
      }
    }
    for (int i = from + 1; i <= to; i++) {
      long h = hi[i];
      long l = lo[i];
      int j = i - 1;
      while (j >= from && compare(hi[j], lo[j], h, l) > 0) {
        hi[j + 1] = hi[j];
        lo[j + 1] = lo[j];
        j--;
      }
      hi[j + 1] = h;
      lo[j + 1] = l;
    }
  }

  private static void swap(long[] hi, long[] lo, int i, int j) {
    long h = hi[i];
    hi[i] = hi[j];
    hi[j] = h;
    long l = lo[i];
    lo[i] = lo[j];
    lo[j] = l;
  }
}
