//! Latency percentiles and the process's memory, as the report states them.

use std::time::Duration;

/// The `quantile` (0.0 to 1.0) of `sorted` latencies by the nearest-rank
/// method: the smallest latency that at least that share of requests did
/// not exceed. Zero when there are none.
pub fn percentile(sorted: &[Duration], quantile: f64) -> Duration {
    debug_assert!(
        sorted.windows(2).all(|pair| pair[0] <= pair[1]),
        "percentile needs sorted latencies"
    );
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (quantile * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// How long a set of operations took.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LatencySummary {
    pub count: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl LatencySummary {
    /// Summarises `latencies` (in any order).
    pub fn of(mut latencies: Vec<Duration>) -> Self {
        latencies.sort_unstable();
        LatencySummary {
            count: latencies.len(),
            p50_ms: milliseconds(percentile(&latencies, 0.50)),
            p99_ms: milliseconds(percentile(&latencies, 0.99)),
        }
    }
}

/// `duration` in milliseconds, rounded to microseconds for the report.
pub fn milliseconds(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1_000_000.0).round() / 1000.0
}

/// Memory of this process in megabytes, from /proc/self/status.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Memory {
    /// Highest resident set since the process started (VmHWM).
    pub peak: f64,
    /// Resident set now (VmRSS) ...
    pub current: f64,
    /// ... of which anonymous memory, the heap above all (RssAnon) ...
    pub anonymous: f64,
    /// ... and pages of mapped files, such as the index (RssFile).
    pub file: f64,
}

/// This process's memory; `None` where there is no /proc.
pub fn memory() -> Option<Memory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let megabytes = |key: &str| -> Option<f64> {
        let line = status.lines().find(|line| line.starts_with(key))?;
        let kilobytes: f64 = line[key.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kilobytes / 1024.0)
    };
    Some(Memory {
        peak: megabytes("VmHWM:")?,
        current: megabytes("VmRSS:")?,
        anonymous: megabytes("RssAnon:")?,
        file: megabytes("RssFile:")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: &[u64]) -> Vec<Duration> {
        values
            .iter()
            .map(|&value| Duration::from_millis(value))
            .collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let sorted = millis(&(1..=100).collect::<Vec<u64>>());
        assert_eq!(percentile(&sorted, 0.50), Duration::from_millis(50));
        assert_eq!(percentile(&sorted, 0.99), Duration::from_millis(99));
        assert_eq!(percentile(&sorted, 1.0), Duration::from_millis(100));
        assert_eq!(percentile(&sorted, 0.0), Duration::from_millis(1));
        let few = millis(&[3, 9]);
        assert_eq!(percentile(&few, 0.5), Duration::from_millis(3));
        assert_eq!(percentile(&few, 0.99), Duration::from_millis(9));
        assert_eq!(percentile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn a_summary_sorts_first() {
        let summary = LatencySummary::of(millis(&[40, 10, 30, 20]));
        assert_eq!(summary.count, 4);
        assert_eq!(summary.p50_ms, 20.0);
        assert_eq!(summary.p99_ms, 40.0);
    }

    #[test]
    fn this_process_has_a_resident_set() {
        if let Some(memory) = memory() {
            assert!(memory.peak >= memory.current && memory.current > 0.0);
            assert!(memory.anonymous + memory.file <= memory.current + 1.0);
        }
    }
}
