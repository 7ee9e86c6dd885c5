-- Stale login attempts are dropped by time at every attempt.
CREATE INDEX login_failure_at ON login_failure (at);
