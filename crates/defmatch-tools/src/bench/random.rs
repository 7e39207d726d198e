//! A tiny seeded generator (SplitMix64), so that the same seed gives the
//! same data set on every machine and with every version of `rand`.

/// SplitMix64: fast, tiny, and good enough to pick words and numbers.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator that starts from `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut mixed = self.state;
        mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        mixed ^ (mixed >> 31)
    }

    /// A number in `0..bound`; `bound` must not be 0. The modulo bias is
    /// far below anything a benchmark data set could notice.
    pub fn below(&mut self, bound: usize) -> usize {
        debug_assert!(bound > 0, "below(0) has no answer");
        (self.next_u64() % bound as u64) as usize
    }

    /// A number in `low..=high`.
    pub fn between(&mut self, low: i64, high: i64) -> i64 {
        debug_assert!(low <= high, "empty range {low}..={high}");
        low + (self.next_u64() % (high - low + 1) as u64) as i64
    }

    /// True with the given probability (0.0 to 1.0).
    pub fn chance(&mut self, probability: f64) -> bool {
        // The top 53 bits make an evenly spread float in [0, 1).
        let unit = (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        unit < probability
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `count` distinct items of `items` (all of them when there are fewer),
    /// in random order.
    pub fn sample<T: Clone>(&mut self, items: &[T], count: usize) -> Vec<T> {
        let mut positions: Vec<usize> = (0..items.len()).collect();
        let wanted = count.min(items.len());
        // A partial Fisher-Yates shuffle: only the first `wanted` places.
        for place in 0..wanted {
            let swap_with = place + self.below(positions.len() - place);
            positions.swap(place, swap_with);
        }
        positions[..wanted]
            .iter()
            .map(|&position| items[position].clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let mut first = SplitMix64::new(7);
        let mut second = SplitMix64::new(7);
        let first_numbers: Vec<u64> = (0..100).map(|_| first.next_u64()).collect();
        let second_numbers: Vec<u64> = (0..100).map(|_| second.next_u64()).collect();
        assert_eq!(first_numbers, second_numbers);
        assert_ne!(SplitMix64::new(8).next_u64(), first_numbers[0]);
    }

    #[test]
    fn ranges_and_samples_stay_in_bounds() {
        let mut random = SplitMix64::new(1);
        for _ in 0..1000 {
            assert!(random.below(3) < 3);
            assert!((2..=9).contains(&random.between(2, 9)));
        }
        let items: Vec<u32> = (0..50).collect();
        let mut sample = random.sample(&items, 10);
        assert_eq!(sample.len(), 10);
        sample.sort_unstable();
        sample.dedup();
        assert_eq!(sample.len(), 10, "a sample has no repeats");
        assert_eq!(random.sample(&items, 80).len(), 50);
    }
}
