//! Crash points for the fault-injection harness (`scripts/faults.sh`): with
//! `CCC_FAULTS` set (for example `before_commit=0.1,after_commit=0.1`), the
//! server process aborts at these points with those probabilities, as a
//! real crash would, so that the harness can prove nothing is lost or stored
//! twice across one. Unset (always, outside the harness) it does nothing.

use std::sync::OnceLock;

/// Where a sync may be made to crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    /// The batch's entries are written but not committed.
    BeforeCommit,
    /// Committed, and the phone has not heard back.
    AfterCommit,
}

#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Faults {
    before_commit: f64,
    after_commit: f64,
}

static FAULTS: OnceLock<Faults> = OnceLock::new();

impl Faults {
    /// Reads `before_commit=P,after_commit=P` (either may be left out).
    pub fn parse(text: &str) -> Result<Faults, String> {
        let mut faults = Faults::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| format!("`{part}` is not name=probability"))?;
            let p: f64 = value
                .parse()
                .ok()
                .filter(|p| (0.0..=1.0).contains(p))
                .ok_or_else(|| format!("`{value}` is not a probability from 0 to 1"))?;
            match name {
                "before_commit" => faults.before_commit = p,
                "after_commit" => faults.after_commit = p,
                other => return Err(format!("no crash point is called `{other}`")),
            }
        }
        Ok(faults)
    }

    /// Arms the crash points for this process (once, at start-up).
    pub fn install(self) {
        let _ = FAULTS.set(self);
    }
}

/// Aborts the process at `point` with its probability, when armed.
pub fn maybe_crash(point: Point) {
    let Some(faults) = FAULTS.get() else { return };
    let p = match point {
        Point::BeforeCommit => faults.before_commit,
        Point::AfterCommit => faults.after_commit,
    };
    if p > 0.0 && rand::random::<f64>() < p {
        eprintln!("CCC_FAULTS: crashing {point:?}");
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_points_are_read_from_their_setting() {
        let faults = Faults::parse("before_commit=0.1, after_commit=1").unwrap();
        assert_eq!(faults.before_commit, 0.1);
        assert_eq!(faults.after_commit, 1.0);
        assert_eq!(Faults::parse("").unwrap(), Faults::default());
        assert!(Faults::parse("before_commit=2").is_err());
        assert!(Faults::parse("midway=0.5").is_err());
        assert!(Faults::parse("before_commit").is_err());
    }
}
