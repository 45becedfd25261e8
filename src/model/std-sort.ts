/**
 * libstdc++'s `std::sort` (introsort: median-of-three quicksort down to runs of 16, heapsort past
 * the depth limit, then one insertion sort), step for step, on parallel (value, weight) arrays
 * ordered by value only. The sort is not stable; XGBoost's quantile sketch sorts its queue with
 * it and then sums the float32 weights of equal values in the order it leaves them, so only the
 * same sequence of swaps gives the same ranks for non-integer weights.
 */

const THRESHOLD = 16;

/**
 * Sorts `values[0..length)` ascending in place, moving `weights` along, in exactly the order
 * libstdc++ (GCC ≥ 4.x) `std::sort` with `a.value < b.value` leaves equal values.
 *
 * @example
 * ```ts
 * const v = Float64Array.of(3, 1, 3, 2);
 * const w = Float64Array.of(0.1, 0.2, 0.3, 0.4);
 * stdSortByValue(v, w, 4); // v [1, 2, 3, 3], w [0.2, 0.4, 0.1, 0.3]
 * ```
 */
export function stdSortByValue(values: Float64Array, weights: Float64Array, length: number): void {
  if (length < 2) return;
  introsortLoop(values, weights, 0, length, 2 * (31 - Math.clz32(length)));
  // __final_insertion_sort
  if (length > THRESHOLD) {
    insertionSort(values, weights, 0, THRESHOLD);
    for (let i = THRESHOLD; i < length; i++) unguardedLinearInsert(values, weights, i);
  } else insertionSort(values, weights, 0, length);
}

function swap(v: Float64Array, w: Float64Array, a: number, b: number): void {
  const tv = v[a]!;
  v[a] = v[b]!;
  v[b] = tv;
  const tw = w[a]!;
  w[a] = w[b]!;
  w[b] = tw;
}

function introsortLoop(v: Float64Array, w: Float64Array, first: number, last: number, depth: number): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      makeHeap(v, w, first, last);
      sortHeap(v, w, first, last);
      return;
    }
    depth--;
    // __unguarded_partition_pivot: median of (first+1, mid, last-1) moved to first.
    const mid = first + ((last - first) >> 1);
    moveMedianToFirst(v, w, first, first + 1, mid, last - 1);
    const cut = unguardedPartition(v, w, first + 1, last, first);
    introsortLoop(v, w, cut, last, depth);
    last = cut;
  }
}

function moveMedianToFirst(v: Float64Array, w: Float64Array, result: number, a: number, b: number, c: number): void {
  if (v[a]! < v[b]!) {
    if (v[b]! < v[c]!) swap(v, w, result, b);
    else if (v[a]! < v[c]!) swap(v, w, result, c);
    else swap(v, w, result, a);
  } else if (v[a]! < v[c]!) swap(v, w, result, a);
  else if (v[b]! < v[c]!) swap(v, w, result, c);
  else swap(v, w, result, b);
}

function unguardedPartition(v: Float64Array, w: Float64Array, first: number, last: number, pivot: number): number {
  for (;;) {
    while (v[first]! < v[pivot]!) first++;
    last--;
    while (v[pivot]! < v[last]!) last--;
    if (!(first < last)) return first;
    swap(v, w, first, last);
    first++;
  }
}

function insertionSort(v: Float64Array, w: Float64Array, first: number, last: number): void {
  if (first === last) return;
  for (let i = first + 1; i !== last; i++) {
    if (v[i]! < v[first]!) {
      const tv = v[i]!;
      const tw = w[i]!;
      for (let k = i; k > first; k--) {
        v[k] = v[k - 1]!;
        w[k] = w[k - 1]!;
      }
      v[first] = tv;
      w[first] = tw;
    } else unguardedLinearInsert(v, w, i);
  }
}

function unguardedLinearInsert(v: Float64Array, w: Float64Array, last: number): void {
  const tv = v[last]!;
  const tw = w[last]!;
  let next = last - 1;
  while (tv < v[next]!) {
    v[last] = v[next]!;
    w[last] = w[next]!;
    last = next;
    next--;
  }
  v[last] = tv;
  w[last] = tw;
}

// Heap operations on [first, first + len), indices relative to `first` as in libstdc++.

function adjustHeap(
  v: Float64Array,
  w: Float64Array,
  first: number,
  hole: number,
  len: number,
  tv: number,
  tw: number,
): void {
  const top = hole;
  let child = hole;
  while (child < (len - 1) >> 1) {
    child = 2 * (child + 1);
    if (v[first + child]! < v[first + child - 1]!) child--;
    v[first + hole] = v[first + child]!;
    w[first + hole] = w[first + child]!;
    hole = child;
  }
  if ((len & 1) === 0 && child === (len - 2) >> 1) {
    child = 2 * (child + 1);
    v[first + hole] = v[first + child - 1]!;
    w[first + hole] = w[first + child - 1]!;
    hole = child - 1;
  }
  // __push_heap
  let parent = (hole - 1) >> 1;
  while (hole > top && v[first + parent]! < tv) {
    v[first + hole] = v[first + parent]!;
    w[first + hole] = w[first + parent]!;
    hole = parent;
    parent = (hole - 1) >> 1;
  }
  v[first + hole] = tv;
  w[first + hole] = tw;
}

function makeHeap(v: Float64Array, w: Float64Array, first: number, last: number): void {
  const len = last - first;
  if (len < 2) return;
  for (let parent = (len - 2) >> 1; ; parent--) {
    adjustHeap(v, w, first, parent, len, v[first + parent]!, w[first + parent]!);
    if (parent === 0) return;
  }
}

function sortHeap(v: Float64Array, w: Float64Array, first: number, last: number): void {
  while (last - first > 1) {
    last--;
    // __pop_heap(first, last, last)
    const tv = v[last]!;
    const tw = w[last]!;
    v[last] = v[first]!;
    w[last] = w[first]!;
    adjustHeap(v, w, first, 0, last - first, tv, tw);
  }
}
