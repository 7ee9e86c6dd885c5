//! The plans read so far, kept in memory with their indexes and read again when the stored
//! revision changes (another process may replace a plan: entries older than a second ask the
//! store for its revision).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use domain::PlanId;
use store::{Store, StoreError};
use tokio::sync::RwLock;

use crate::view::View;

const FRESH_FOR: Duration = Duration::from_secs(1);

struct Entry {
    view: Arc<View>,
    checked: Instant,
}

/// The plans read so far, by id.
pub struct Plans {
    store: Store,
    entries: RwLock<HashMap<PlanId, Entry>>,
    /// Moves on at every `invalidate`: a view whose reading began before a write of this
    /// process is served to its reader but not kept (it may predate the write).
    generation: AtomicU64,
}

impl std::fmt::Debug for Plans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plans").finish_non_exhaustive()
    }
}

impl Plans {
    pub fn new(store: Store) -> Self {
        Plans {
            store,
            entries: RwLock::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }

    /// Forgets a plan this process just changed, so that the next request reads it again.
    pub async fn invalidate(&self, id: &PlanId) {
        let mut entries = self.entries.write().await;
        self.generation.fetch_add(1, Ordering::SeqCst);
        entries.remove(id);
    }

    /// The plan with this id, from memory when it is still the stored revision. `fresh` asks
    /// the store for the revision even when it was checked less than a second ago: writes act
    /// on the plan as it is now, not as another process left it a moment ago.
    pub async fn get(&self, id: &PlanId, fresh: bool) -> Result<Arc<View>, StoreError> {
        let stale = {
            let entries = self.entries.read().await;
            match entries.get(id) {
                Some(e) if !fresh && e.checked.elapsed() < FRESH_FOR => return Ok(e.view.clone()),
                Some(e) => Some(e.view.clone()),
                None => None,
            }
        };
        if let Some(view) = stale
            && self.store.revision(id).await? == view.summary.revision
        {
            if let Some(e) = self.entries.write().await.get_mut(id) {
                e.checked = Instant::now();
            }
            return Ok(view);
        }
        let began = self.generation.load(Ordering::SeqCst);
        let view = Arc::new(View::new(self.store.facts(id).await?)?);
        let mut entries = self.entries.write().await;
        let newer = entries
            .get(id)
            .is_some_and(|e| e.view.summary.revision > view.summary.revision);
        if self.generation.load(Ordering::SeqCst) == began && !newer {
            entries.insert(
                id.to_owned(),
                Entry {
                    view: view.clone(),
                    checked: Instant::now(),
                },
            );
        }
        Ok(view)
    }
}
