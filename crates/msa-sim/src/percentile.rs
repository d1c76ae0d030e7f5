//! Percentiles of measured samples, each computed one of two ways:
//!
//! - the latencies of a proxy run (millions of them, arriving one by one, cloned with every checkpoint) go into
//!   an HDR histogram ([`crate::proxy::metrics::Latency::quantile_us`], the `hdrhistogram` crate): constant
//!   memory, and any quantile within 1%;
//! - a finished set of samples already in memory (the contention lab's lock waits and latencies, the arch
//!   model's checkout latencies) takes [`nearest_rank`], which is exact. Those sets are small (thousands) and
//!   sorting them costs nothing; a histogram would move their figures by up to 1%, and they are pinned to the
//!   microsecond (`tests/arch_wasm.rs` pins a checkout p95, natively and in wasm).

/// The `pct` percentile (0..=100) of `samples` by nearest rank: the smallest sample with at least `pct`% of
/// them at or below it (rank ⌈n·pct/100⌉, at least 1). Sorts `samples` in place; 0 for no samples.
pub fn nearest_rank(samples: &mut [u64], pct: u32) -> u64 {
    if samples.is_empty() {
        return 0;
    }
    samples.sort_unstable();
    let rank = (samples.len() * pct.min(100) as usize).div_ceil(100).max(1);
    samples[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_by_the_definition() {
        let mut v: Vec<u64> = (1..=100).rev().collect();
        assert_eq!(nearest_rank(&mut v, 99), 99);
        assert_eq!(nearest_rank(&mut v, 50), 50);
        assert_eq!(nearest_rank(&mut v, 100), 100);
        assert_eq!(nearest_rank(&mut v, 0), 1);
        // Five samples: p99 is the largest, the median the third.
        assert_eq!(nearest_rank(&mut [5, 1, 4, 2, 3], 99), 5);
        assert_eq!(nearest_rank(&mut [5, 1, 4, 2, 3], 50), 3);
        assert_eq!(nearest_rank(&mut [], 99), 0);
    }
}
