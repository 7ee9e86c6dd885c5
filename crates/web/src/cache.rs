//! Plans as the pages and the API read them: the use-case layer's views (its facts, indexes,
//! JSON text, scores by day and memoised cards), kept by `cycle` while their revision lasts.

pub use cycle::{Part, View as PlanView};
