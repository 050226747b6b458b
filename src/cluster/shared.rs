//! A list shared between snapshots, made of shared chunks: a snapshot in which a workload's
//! pods did not change reuses their list, and one in which a single pod changed rebuilds
//! that pod's chunk only — the others, and the lists of the workload's other ReplicaSets,
//! are shared, not copied.

use std::sync::Arc;

/// An immutable list of `T` in shared chunks (cheap to clone, to concatenate, to index).
pub struct Shared<T>(Arc<Chunks<T>>);

struct Chunks<T> {
    parts: Vec<Arc<Vec<T>>>,
    /// `ends[i]`: how many items `parts[..=i]` hold.
    ends: Vec<usize>,
}

impl<T> Shared<T> {
    /// The list made of these chunks, in this order (empty ones left out).
    pub fn from_chunks(parts: impl IntoIterator<Item = Arc<Vec<T>>>) -> Self {
        let (mut kept, mut ends, mut n) = (Vec::new(), Vec::new(), 0);
        for p in parts.into_iter().filter(|p| !p.is_empty()) {
            n += p.len();
            kept.push(p);
            ends.push(n);
        }
        Shared(Arc::new(Chunks { parts: kept, ends }))
    }

    /// These lists one after the other (their chunks shared).
    pub fn concat<'a>(lists: impl IntoIterator<Item = &'a Shared<T>>) -> Self
    where
        T: 'a,
    {
        Self::from_chunks(lists.into_iter().flat_map(|l| l.0.parts.iter().cloned()))
    }

    pub fn len(&self) -> usize {
        self.0.ends.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `i` (a binary search over the chunks).
    pub fn get(&self, i: usize) -> Option<&T> {
        let c = self.0.ends.partition_point(|&end| end <= i);
        let start = if c == 0 { 0 } else { self.0.ends[c - 1] };
        self.0.parts.get(c)?.get(i - start)
    }

    pub fn first(&self) -> Option<&T> {
        self.0.parts.first()?.first()
    }

    pub fn last(&self) -> Option<&T> {
        self.0.parts.last()?.last()
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.parts.iter().flat_map(|p| p.iter())
    }

    /// Items `start..end` (clamped to the list), without walking the ones before.
    pub fn range(&self, start: usize, end: usize) -> impl Iterator<Item = &T> {
        let end = end.min(self.len());
        let start = start.min(end);
        (start..end).filter_map(move |i| self.get(i))
    }

    /// The chunks, for lists built from this one.
    pub fn chunks(&self) -> impl Iterator<Item = &Arc<Vec<T>>> {
        self.0.parts.iter()
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Self::from_chunks([])
    }
}

impl<T> From<Vec<T>> for Shared<T> {
    fn from(v: Vec<T>) -> Self {
        Self::from_chunks([Arc::new(v)])
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || (self.len() == other.len() && self.iter().eq(other.iter()))
    }
}

impl<T: Eq> Eq for Shared<T> {}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_and_ranges_across_chunks() {
        let l = Shared::from_chunks([
            Arc::new(vec![0, 1, 2]),
            Arc::new(vec![]),
            Arc::new(vec![3]),
            Arc::new(vec![4, 5]),
        ]);
        assert_eq!(l.len(), 6);
        assert_eq!(
            (0..6).map(|i| *l.get(i).unwrap()).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4, 5]
        );
        assert_eq!(l.get(6), None);
        assert_eq!(l.range(2, 5).copied().collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(l.range(4, 99).copied().collect::<Vec<_>>(), [4, 5]);
        assert_eq!(l.range(9, 99).count(), 0);
        assert_eq!(l.first(), Some(&0));
        assert_eq!(Shared::<u8>::default().first(), None);
    }

    #[test]
    fn concatenation_shares_the_chunks_and_compares_by_items() {
        let a: Shared<u32> = vec![1, 2].into();
        let b: Shared<u32> = vec![3].into();
        let ab = Shared::concat([&a, &b]);
        assert!(Arc::ptr_eq(
            ab.chunks().next().unwrap(),
            a.chunks().next().unwrap()
        ));
        assert_eq!(ab, Shared::from(vec![1, 2, 3]));
        assert_ne!(ab, Shared::from(vec![1, 2, 4]));
        assert_eq!(format!("{ab:?}"), "[1, 2, 3]");
    }
}
