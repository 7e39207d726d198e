//! CPU time, from `/proc`: of the whole bench process (server and clients)
//! and of the calling thread (one client). The server's share of a load run
//! is the process's time less the clients' own; per request it is steadier
//! than latency on a shared machine, since it does not count waiting.
//!
//! `/proc` gives user and system time in clock ticks of 1/100 s
//! (`USER_HZ`, which Linux fixes at 100 for these files).

/// Clock ticks per second in `/proc/*/stat`.
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU seconds of the whole process, all threads.
pub fn process_seconds() -> Option<f64> {
    stat_seconds("/proc/self/stat")
}

/// User plus system CPU seconds of the calling thread.
pub fn thread_seconds() -> Option<f64> {
    stat_seconds("/proc/thread-self/stat")
}

fn stat_seconds(path: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(path).ok()?;
    parse_stat(&stat)
}

/// utime and stime of a `stat` line: the 14th and 15th fields, counted
/// after the command name, which may itself hold spaces and parentheses.
fn parse_stat(stat: &str) -> Option<f64> {
    let after_name = &stat[stat.rfind(')')? + 1..];
    let mut fields = after_name.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / TICKS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_ticks_are_read_after_the_command_name() {
        let line = "4242 (bench (x) y) R 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0";
        assert_eq!(parse_stat(line), Some(3.0));
        assert!(process_seconds().is_some());
        assert!(thread_seconds().is_some());
    }
}
