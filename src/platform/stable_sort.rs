//! Go's `sort.SliceStable` (insertion sort of 20-element blocks, then `symMerge`), reproduced
//! step for step so that orderings match containerd's even when a `Less` is not a strict weak
//! order (containerd's feature-aware `Less` functions are not always transitive).
//!
//! Works on a permutation: `sorted_permutation(n, less)` returns the indices `0..n` in sorted
//! order, where `less(a, b)` compares the items at original indices `a` and `b`.

/// Stable-sorts `0..n` by `less` exactly as Go's `sort.SliceStable` would.
pub fn sorted_permutation(n: usize, mut less: impl FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut data = Data {
        idx: (0..n).collect(),
        less: &mut less,
    };
    stable(&mut data, n);
    data.idx
}

struct Data<'a, F: FnMut(usize, usize) -> bool> {
    idx: Vec<usize>,
    less: &'a mut F,
}

impl<F: FnMut(usize, usize) -> bool> Data<'_, F> {
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

fn stable<F: FnMut(usize, usize) -> bool>(data: &mut Data<'_, F>, n: usize) {
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

fn insertion_sort<F: FnMut(usize, usize) -> bool>(data: &mut Data<'_, F>, a: usize, b: usize) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && data.less(j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// Go's `symMerge`; recursion depth is logarithmic in the length.
fn sym_merge<F: FnMut(usize, usize) -> bool>(data: &mut Data<'_, F>, a: usize, m: usize, b: usize) {
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

fn rotate<F: FnMut(usize, usize) -> bool>(data: &mut Data<'_, F>, a: usize, m: usize, b: usize) {
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

fn swap_range<F: FnMut(usize, usize) -> bool>(
    data: &mut Data<'_, F>,
    a: usize,
    b: usize,
    n: usize,
) {
    for i in 0..n {
        data.swap(a + i, b + i);
    }
}

#[cfg(test)]
mod tests {
    use super::sorted_permutation;

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
}
