use super::refusal::{Code, Refusal, Verdict};

/// An up or down vote. The seed's API sends `1` or `-1`; nothing else counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Up,
    Down,
}

impl Vote {
    pub fn parse(value: i64) -> Verdict<Self> {
        match value {
            1 => Ok(Vote::Up),
            -1 => Ok(Vote::Down),
            _ => Err(Refusal::new(
                Code::InvalidVote,
                "A vote is 1 (up) or -1 (down).",
            )),
        }
    }

    pub fn value(self) -> i64 {
        match self {
            Vote::Up => 1,
            Vote::Down => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plus_and_minus_one_are_votes() {
        assert_eq!(Vote::parse(1).unwrap().value(), 1);
        assert_eq!(Vote::parse(-1).unwrap().value(), -1);
        for bad in [0, 2, -2, i64::MAX, i64::MIN] {
            assert!(Vote::parse(bad).is_err(), "{bad}");
        }
    }
}
