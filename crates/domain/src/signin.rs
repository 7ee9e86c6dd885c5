//! How hard sign-in attempts are held back, so that guessing is slow and nobody can lock
//! another person out. Failures are counted per address, per account and address, per
//! account, and per trusted browser (one where the person signed in before, known by a
//! cookie). A stranger's failures lock only the stranger's own address, for one account or
//! for all; on the account they only slow attempts down. A trusted browser answers for itself
//! alone, so a person who signed in there before is never held back by anyone else.

use chrono::Duration;

/// The limits, within one window of time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Throttle {
    /// The window failures are counted in.
    pub window: Duration,
    /// Failures on one account from one address before that address is refused for it.
    pub per_pair: i64,
    /// Failures from one address, whatever the account, before it is refused altogether.
    pub per_address: i64,
    /// Failures through one trusted browser before it is no longer trusted.
    pub per_device: i64,
    /// Failures on one account from strangers after which each of their attempts waits…
    pub slow_after: i64,
    /// …this long before it is checked.
    pub slow_by: Duration,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle {
            window: Duration::minutes(15),
            per_pair: 5,
            per_address: 20,
            per_device: 5,
            slow_after: 10,
            slow_by: Duration::seconds(2),
        }
    }
}

/// Failures counted within the window before this attempt.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Failures {
    /// On this account from this address.
    pub pair: i64,
    /// From this address.
    pub address: i64,
    /// On this account from browsers it does not trust.
    pub account: i64,
}

/// Who is trying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// A browser the account trusts, with its own failures.
    Trusted { failures: i64 },
    /// Anyone else, with the failures around them.
    Stranger(Failures),
}

/// What to do with an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Check the password now.
    Check,
    /// Check it after waiting this long.
    CheckAfter(Duration),
    /// Refuse without checking; try again after the window.
    Refuse,
}

/// The one answer to "may this attempt be checked, and when".
pub fn verdict(t: &Throttle, client: Client) -> Verdict {
    match client {
        Client::Trusted { failures } if failures >= t.per_device => Verdict::Refuse,
        Client::Trusted { .. } => Verdict::Check,
        Client::Stranger(f) if f.pair >= t.per_pair || f.address >= t.per_address => {
            Verdict::Refuse
        }
        Client::Stranger(f) if f.account >= t.slow_after => Verdict::CheckAfter(t.slow_by),
        Client::Stranger(_) => Verdict::Check,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stranger(pair: i64, address: i64, account: i64) -> Client {
        Client::Stranger(Failures {
            pair,
            address,
            account,
        })
    }

    #[test]
    fn each_count_holds_back_only_what_it_counts() {
        let t = Throttle::default();
        let cases = [
            (stranger(0, 0, 0), Verdict::Check),
            (stranger(4, 4, 4), Verdict::Check),
            (stranger(5, 5, 5), Verdict::Refuse),
            (stranger(0, 20, 0), Verdict::Refuse),
            (stranger(0, 19, 0), Verdict::Check),
            // Thousands of failures on the account from elsewhere: slower, never refused.
            (
                stranger(0, 0, 10),
                Verdict::CheckAfter(Duration::seconds(2)),
            ),
            (
                stranger(0, 0, 100_000),
                Verdict::CheckAfter(Duration::seconds(2)),
            ),
            (Client::Trusted { failures: 0 }, Verdict::Check),
            (Client::Trusted { failures: 4 }, Verdict::Check),
            (Client::Trusted { failures: 5 }, Verdict::Refuse),
        ];
        for (client, expect) in cases {
            assert_eq!(verdict(&t, client), expect, "{client:?}");
        }
    }
}
