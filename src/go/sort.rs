//! Go's `sort.SliceStable`: the crate's one stable sort, in one non-generic copy.
//!
//! `slice::sort` and its relatives add several kilobytes of wasm for every element type and
//! comparison they are used with; everything here sorts a permutation of indices through a
//! `dyn` comparison instead, so there is one copy of the algorithm, and only the small
//! [`sort_by`] wrapper is generic.
//!
//! The algorithm is Go's `sort.SliceStable` (insertion sort of 20-element blocks, then
//! `symMerge`), reproduced step for step so that orderings match containerd's even when a
//! `Less` is not a strict weak order (containerd's feature-aware `Less` functions are not always
//! transitive). It makes O(n log n) comparisons and O(n log² n) swaps: fine for the 20,000
//! entries a manifest may have.

/// Stable-sorts `0..n` by `less` exactly as Go's `sort.SliceStable` would: the indices in
/// sorted order, where `less(a, b)` compares the items at original indices `a` and `b`.
pub fn sorted_permutation(n: usize, mut less: impl FnMut(usize, usize) -> bool) -> Vec<usize> {
    permutation(n, &mut less)
}

#[inline(never)]
fn permutation(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut data = Data {
        idx: (0..n).collect(),
        less,
    };
    stable(&mut data, n);
    data.idx
}

/// Sorts `v` stably by `less` (`less(a, b)`: `a` goes before `b`).
pub fn sort_by<T>(v: &mut Vec<T>, mut less: impl FnMut(&T, &T) -> bool) {
    let order = sorted_permutation(v.len(), |a, b| match (v.get(a), v.get(b)) {
        (Some(x), Some(y)) => less(x, y),
        _ => false,
    });
    let mut slots: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(
        order
            .into_iter()
            .filter_map(|i| slots.get_mut(i).and_then(Option::take)),
    );
}

/// Sorts `v` stably in ascending order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, |a, b| a < b);
}

struct Data<'a> {
    idx: Vec<usize>,
    less: &'a mut dyn FnMut(usize, usize) -> bool,
}

impl Data<'_> {
    fn less(&mut self, i: usize, j: usize) -> bool {
        match (self.idx.get(i), self.idx.get(j)) {
            (Some(&a), Some(&b)) => (self.less)(a, b),
            _ => false,
        }
    }

    fn swap(&mut self, i: usize, j: usize) {
        if i < self.idx.len() && j < self.idx.len() {
            self.idx.swap(i, j);
        }
    }
}

fn stable(data: &mut Data<'_>, n: usize) {
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n);
    while block < n {
        a = 0;
        b = 2 * block;
        while b <= n {
            sym_merge(data, a, a + block, b);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n);
        }
        block *= 2;
    }
}

fn insertion_sort(data: &mut Data<'_>, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && data.less(j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Go's `symMerge`; recursion depth is logarithmic in the length.
fn sym_merge(data: &mut Data<'_>, a: usize, m: usize, b: usize) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if data.less(h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = a;
        while k + 1 < i {
            data.swap(k, k + 1);
            k += 1;
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !data.less(m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !data.less(p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b);
    }
}

fn rotate(data: &mut Data<'_>, a: usize, m: usize, b: usize) {
    let mut i = m - a;
    let mut j = b - m;
    while i != j {
        if i > j {
            swap_range(data, m - i, m, j);
            i -= j;
        } else {
            swap_range(data, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(data, m - i, m, i);
}

fn swap_range(data: &mut Data<'_>, a: usize, b: usize, n: usize) {
    for i in 0..n {
        data.swap(a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::{sort, sort_by, sorted_permutation};

    #[test]
    fn sorts_stably_across_merge_blocks() {
        // 100 keys with many ties: stability and order must both hold past the 20-element blocks.
        let keys: Vec<u32> = (0..100u32).map(|i| (i * 37) % 7).collect();
        let perm = sorted_permutation(keys.len(), |a, b| keys[a] < keys[b]);
        for w in perm.windows(2) {
            let (a, b) = (w[0], w[1]);
            assert!(
                keys[a] < keys[b] || (keys[a] == keys[b] && a < b),
                "{a} {b}"
            );
        }
        assert_eq!(perm.len(), 100);
    }

    #[test]
    fn empty_and_single_inputs_are_fine() {
        assert!(sorted_permutation(0, |_, _| true).is_empty());
        assert_eq!(sorted_permutation(1, |_, _| true), vec![0]);
    }

    #[test]
    fn sort_by_keeps_equal_items_in_order() {
        let mut v: Vec<(u32, usize)> = (0..50).map(|i| ((i * 13) % 5, i as usize)).collect();
        sort_by(&mut v, |a, b| a.0 < b.0);
        for w in v.windows(2) {
            assert!(
                w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1),
                "{w:?}"
            );
        }
        let mut s = vec!["b".to_string(), "a".into(), "c".into(), "a".into()];
        sort(&mut s);
        assert_eq!(s, ["a", "a", "b", "c"]);
    }

    #[test]
    fn large_inputs_sort_correctly() {
        let n = 20_000;
        let mut v: Vec<u64> = (0..n).map(|i| (i * 7919) % 10_007).collect();
        let mut want = v.clone();
        want.sort();
        sort(&mut v);
        assert_eq!(v, want);
    }
}
