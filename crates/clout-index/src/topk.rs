//! The bounded top-k of a search: the best `offset + limit` matches in result order
//! (score descending, null last, then channel id), kept in a heap whose root is the worst.

/// A match with what orders it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ranked {
    pub(crate) score: f64,
    pub(crate) id: i64,
    pub(crate) ordinal: u32,
}

impl Ranked {
    /// Highest score first, null (NaN) last, then by channel id.
    pub(crate) fn order(a: &Ranked, b: &Ranked) -> std::cmp::Ordering {
        match (a.score.is_nan(), b.score.is_nan()) {
            (false, false) => b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)),
            (false, true) => std::cmp::Ordering::Less,
            (true, false) => std::cmp::Ordering::Greater,
            (true, true) => a.id.cmp(&b.id),
        }
        .then(a.ordinal.cmp(&b.ordinal))
    }
}

/// The best `keep` matches seen so far, as a heap whose root is the worst kept.
pub(crate) struct TopK {
    pub(crate) keep: usize,
    pub(crate) items: Vec<Ranked>,
}

impl TopK {
    /// Room for `keep` matches.
    pub(crate) fn new(keep: usize) -> TopK {
        TopK { keep, items: Vec::with_capacity(keep.min(1 << 16)) }
    }

    /// Whether a match scoring `score` cannot enter: the heap is full and its worst kept
    /// match scores strictly higher (a null score loses to any number).
    pub(crate) fn beaten(&self, score: f64) -> bool {
        match self.items.first() {
            Some(worst) if self.items.len() >= self.keep => {
                !worst.score.is_nan() && (score.is_nan() || score < worst.score)
            }
            _ => false,
        }
    }

    pub(crate) fn offer(&mut self, r: Ranked) {
        use std::cmp::Ordering::Less;
        if self.items.len() < self.keep {
            self.items.push(r);
            self.sift_up(self.items.len() - 1);
        } else if Ranked::order(&r, &self.items[0]) == Less {
            self.items[0] = r;
            self.sift_down(0);
        }
    }

    /// `a` is worse than `b` (later in the result order).
    fn worse(a: &Ranked, b: &Ranked) -> bool {
        Ranked::order(a, b) == std::cmp::Ordering::Greater
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if Self::worse(&self.items[i], &self.items[parent]) {
                self.items.swap(i, parent);
                i = parent;
            } else {
                break;
            }
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.items.len();
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut worst = i;
            if l < n && Self::worse(&self.items[l], &self.items[worst]) {
                worst = l;
            }
            if r < n && Self::worse(&self.items[r], &self.items[worst]) {
                worst = r;
            }
            if worst == i {
                break;
            }
            self.items.swap(i, worst);
            i = worst;
        }
    }
}
